import Foundation
import Testing
import IntakeModel
import IntakeStorage
import Kiosk
import ReviewStation
import TerminalUI

/// Every FHIR item type keeps its type end to end: typed at the kiosk, saved, submitted, read back (issue 9).
struct TypedAnswersTests {
    static let system = "https://clinic.example/CodeSystem/x"

    static func item(_ linkId: String, _ type: String, extra: String = "") -> String {
        #"{"linkId":"\#(linkId)","type":"\#(type)","required":true,"text":"\#(linkId)?","_text":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/translation","extension":[{"url":"lang","valueCode":"ar"},{"url":"content","valueString":"\#(linkId)؟"}]}]}\#(extra)}"#
    }

    static let questionnaire: Questionnaire = {
        let option = #"{"valueCoding":{"system":"\#(system)","code":"a","display":"A","_display":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/translation","extension":[{"url":"lang","valueCode":"ar"},{"url":"content","valueString":"أ"}]}]}}}"#
        let items = [
            item("count", "integer"), item("weight", "decimal"), item("ok", "boolean"), item("when", "date"),
            item("pick", "choice", extra: #","answerOption":[\#(option)]"#), item("note", "string"),
            item("attest", "boolean", extra: #","extension":[{"url":"https://intake.example/fhir/StructureDefinition/must-be-true","valueBoolean":true}]"#),
        ]
        let json = #"{"resourceType":"Questionnaire","url":"https://clinic.example/Questionnaire/typed","version":"1.0.0","title":"T","_title":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/translation","extension":[{"url":"lang","valueCode":"ar"},{"url":"content","valueString":"ت"}]}]},"item":[{"linkId":"g","type":"group","text":"G","_text":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/translation","extension":[{"url":"lang","valueCode":"ar"},{"url":"content","valueString":"ج"}]}]},"item":[\#(items.joined(separator: ","))]}]}"#
        return try! Questionnaire.parse(Data(json.utf8), file: "typed.json")
    }()

    @Test func everyItemTypeRoundTripsThroughTheKioskAndTheDatabase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("intake-typed-\(UUID().uuidString)/i.sqlite").path
        let store = try IntakeStore(path: path, pinHasher: SecretHasher(rounds: 16, blockSize: 1, parallelism: 1))
        let backend = MemoryBackend(size: Size(rows: 24, columns: 80))
        final class Clock: @unchecked Sendable { var now = 0.0 }
        let clock = Clock()
        let app = KioskApp(questionnaire: Self.questionnaire, store: store, backend: backend, symbols: .unicode,
                           kioskID: "typed", clock: { clock.now }, today: { Day(iso: "2026-11-22")! }, allowNoPIN: true)
        func type(_ keys: [Key]) {
            backend.feed(keys)
            while !backend.pendingKeys.isEmpty { clock.now += 0.5; app.step() }
            app.step()
        }
        func text(_ s: String) { type(s.map { .character($0) } + [.enter]) }
        type([.enter])                       // English
        text("12x")                          // the x is refused by the field: 12
        text("٧٢٫٥")                          // Arabic-Indic digits and separator: 72.5
        type([.character("2"), .enter])      // ok: No
        text("2026-10-05")                   // a date
        type([.character("1"), .enter])      // pick: a
        text("as typed")
        type([.end, .enter])                 // review: Continue
        type([.character("1"), .enter])      // attest
        let stored = try #require(try store.recentIntakes(limit: 1, status: "submitted").first, "\(backend.last?.plainText ?? "")")
        let json = try #require(stored.responseJSON)
        #expect(json.contains(#""valueInteger":12"#))
        #expect(json.contains(#""valueDecimal":72.5"#))
        let back = try ResponseReader(questionnaire: Self.questionnaire, asOf: Day(iso: "2026-11-22")!).read(Data(json.utf8)).answers
        #expect(back["count"] == [.integer(12)])
        #expect(back["weight"] == [.decimal("72.5")])
        #expect(back["ok"] == [.boolean(false)])
        #expect(back["when"] == [.date(PartialDate("2026-10-05")!)])
        #expect(back["pick"] == [.coding("a")])
        #expect(back["note"] == [.string("as typed")])
        #expect(back["attest"] == [.boolean(true)])

        // And at the review station, read back from the database by type.
        let detail = IntakeDetail.make(stored, questionnaire: Self.questionnaire, decisions: [])
        #expect(detail.problem == nil)
        let shown = Dictionary(uniqueKeysWithValues: detail.groups.flatMap(\.answers).map { ($0.question(.en), $0.answer(.en)) })
        #expect(shown["count?"] == "12")
        #expect(shown["weight?"] == "72.5")
        #expect(shown["ok?"] == "No")
        #expect(shown["when?"] == "2026-10-05")
        #expect(shown["pick?"] == "A")
        #expect(shown["note?"] == "as typed")
        #expect(shown["attest?"] == "Yes")
    }

    @Test func typedNumbersAreCheckedAtTheKiosk() {
        #expect(AnswerValue.integer(typed: "-3") == .integer(-3))
        #expect(AnswerValue.integer(typed: "3.5") == nil)
        #expect(AnswerValue.decimal(typed: "0.10") == .decimal("0.1"))
        #expect(AnswerValue.decimal(typed: "1e5") == nil)
        #expect(AnswerValue.decimal(typed: ".5") == nil)
    }
}
