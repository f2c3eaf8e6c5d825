import Foundation
import Testing
import IntakeModel
import IntakeStorage
@testable import Kiosk
import TerminalUI
import TestSupport

/// Patients generated from a seed walk the whole kiosk with the keys people press — arrows, numbers,
/// Space, Backspace, going back, changes from the check page, F2, resizes, idle prompts, stray keys —
/// and what is stored must be exactly what they meant (issue 8).
///
/// A failure names its seed: `INTAKE_MODEL_SEED=<seed> swift test --filter ModelBasedTests` replays it.
struct ModelBasedTests {
    static let questionnaire = try! Questionnaire.bundled()
    static let visit = Day(iso: "2026-11-22")!

    /// 2,000 patients on the pure state, every save and removal replayed into a model of the draft table.
    @Test func generatedPatientsStoreExactlyWhatTheyMeant() throws {
        let base = UInt64(ProcessInfo.processInfo.environment["INTAKE_MODEL_SEED"] ?? "") ?? 20_261_124
        let count = ProcessInfo.processInfo.environment["INTAKE_MODEL_SEED"] == nil ? 2_000 : 1
        var failures: [String] = []
        for n in 0..<UInt64(count) {
            let seed = base &+ n
            var walk = Walk(seed: seed, driver: StateDriver(questionnaire: Self.questionnaire, today: Self.visit))
            do {
                let submitted = try walk.run()
                let wanted = walk.patient.effective(Self.questionnaire)
                if submitted != wanted {
                    failures.append("seed \(seed): submitted \(Self.diff(submitted, wanted))")
                }
                if walk.driver.draft != wanted.values {
                    failures.append("seed \(seed): draft table \(Self.diff(Answers(walk.driver.draft), wanted))")
                }
            } catch {
                failures.append("seed \(seed): \(error)")
            }
            if failures.count >= 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Fewer patients through the real app loop, an in-memory terminal and a real SQLite file:
    /// the stored FHIR response, read back, equals what they meant.
    @Test func generatedPatientsThroughTheAppAndDatabase() throws {
        for seed in UInt64(7_000)..<UInt64(7_040) {
            let harness = try Harness()
            var walk = Walk(seed: seed, driver: AppDriver(harness: harness))
            _ = try walk.run()
            let stored = try #require(try harness.store.recentIntakes(limit: 1, status: "submitted").first, "seed \(seed)")
            let response = try ResponseReader(questionnaire: Self.questionnaire, asOf: Self.visit)
                .read(Data(try #require(stored.responseJSON).utf8))
            let wanted = walk.patient.effective(Self.questionnaire)
            #expect(response.answers == wanted, "seed \(seed): \(Self.diff(response.answers, wanted))")
            #expect(harness.screen.contains(stored.code.map(String.init).joined(separator: " ")), "seed \(seed): the code is on the thank-you screen")
        }
    }

    static func diff(_ got: Answers, _ wanted: Answers) -> String {
        let keys = Set(got.values.keys).union(wanted.values.keys).sorted()
        return keys.compactMap { key in
            got[key] == wanted[key] ? nil : "\(key): got \(got[key]) wanted \(wanted[key])"
        }.joined(separator: "; ")
    }
}

// MARK: The patient


/// What a patient means to answer to every question, asked or not; the enabled ones are what must be stored.
struct Patient {
    var intended: [String: [AnswerValue]] = [:]
    var language: Language

    static let names = ["Layla Haddad", "Omar Khalil", "سارة أحمد", "Ann O'Neil", "Jean-Luc Martin", "محمد العلي", "Zoë Brontë"]
    static let texts = ["warfarin 5 mg", "metformin; vitamin D", "كريم مرطب", "latex gloves: hives", "chlorhexidine - rash", "none really"]

    init(_ rng: inout SplitMix64, questionnaire q: Questionnaire, visit: Day) {
        language = rng.chance(0.3) ? .ar : .en
        for item in q.questions { intended[item.linkId] = Patient.value(for: item, &rng, visit: visit) }
    }

    /// A valid answer a patient might mean; `[]` for an optional question left unanswered.
    static func value(for item: Questionnaire.Item, _ rng: inout SplitMix64, visit: Day, required: Bool? = nil) -> [AnswerValue] {
        let required = required ?? item.required
        if !required && rng.chance(0.3) { return [] }
        if item.mustBeTrue { return [.boolean(true)] }
        switch item.linkId {
        case "patient-name": return [.string(names.randomElement(using: &rng)!)]
        case "patient-dob": return [.date(PartialDate(visit.adding(days: -Int.random(in: 0...36_500, using: &rng))))]
        case "patient-phone": return [.string("+962 7\(Int.random(in: 1_000_000...9_999_999, using: &rng))")]
        default: break
        }
        switch item.type {
        case .boolean: return [.boolean(rng.chance(0.5))]
        case .string, .text: return [.string(texts.randomElement(using: &rng)!)]
        case .date:
            let day = visit.adding(days: -Int.random(in: 0...500, using: &rng))
            let c = day.components
            let roll = Double.random(in: 0..<1, using: &rng)
            if item.allowsPartialDate && roll < 0.2 { return [.date(PartialDate("\(c.year)")!)] }
            if item.allowsPartialDate && roll < 0.45 { return [.date(PartialDate(String(format: "%04d-%02d", c.year, c.month))!)] }
            return [.date(PartialDate(day))]
        case .choice:
            let codes = item.options.map(\.code)
            guard item.repeats else { return [.coding(codes.randomElement(using: &rng)!)] }
            if let exclusive = item.options.first(where: \.exclusive), rng.chance(0.4) { return [.coding(exclusive.code)] }
            let pool = item.options.filter { !$0.exclusive }.map(\.code)
            var chosen = pool.filter { _ in rng.chance(0.35) }
            if chosen.isEmpty { chosen = [pool.randomElement(using: &rng)!] }
            return chosen.map { .coding($0) }
        case .integer, .decimal, .group, .display: return []
        }
    }

    /// The answers that must be stored: the enabled questions' intended answers.
    func effective(_ q: Questionnaire) -> Answers { q.effectiveAnswers(Answers(intended)) }
}

// MARK: Driving the kiosk

/// The kiosk under test: the pure state, or the whole app on a database.
protocol KioskDriver {
    var state: KioskState { get }
    /// Presses one key; returns the intake code if it submitted.
    mutating func press(_ key: Key) -> String?
    /// Lets time pass with no key.
    mutating func wait(_ seconds: Double)
}

/// The pure state; saves and removals are replayed into `draft`, a model of the draft table.
struct StateDriver: KioskDriver {
    var state: KioskState
    var now = 1000.0
    var draft: [String: [AnswerValue]] = [:]
    var submitted: Answers?

    init(questionnaire: Questionnaire, today: Day) {
        state = KioskState(questionnaire: questionnaire, staffPINIsSet: true, today: today, now: now)
    }

    mutating func press(_ key: Key) -> String? {
        now += 0.4
        return apply(state.handle(key, now: now))
    }

    mutating func wait(_ seconds: Double) {
        now += seconds
        _ = apply(state.tick(now: now))
    }

    private mutating func apply(_ effects: [KioskEffect]) -> String? {
        var code: String?
        for effect in effects {
            switch effect {
            case .save(let linkId, let values): draft[linkId] = values
            case .remove(let linkId): draft[linkId] = nil
            case .startDraft: draft = [:]
            case .submit(let answers, _):
                submitted = answers
                state.submitted(code: "MODEL1", now: now)
                code = "MODEL1"
            case .abandon: draft = [:]
            default: break
            }
        }
        return code
    }
}

/// The real app loop on an in-memory terminal and a temporary SQLite file.
struct AppDriver: KioskDriver {
    let harness: Harness
    var state: KioskState { harness.app.state }

    mutating func press(_ key: Key) -> String? {
        harness.clock.now += 0.4
        harness.type([key])
        if case .thanks(let code, _) = harness.app.state.screen { return code }
        return nil
    }

    mutating func wait(_ seconds: Double) { harness.wait(seconds) }
}

/// One patient's walk from the welcome screen to the intake code, with the detours people take.
struct Walk<Driver: KioskDriver> {
    struct Stuck: Error, CustomStringConvertible { let description: String }

    var rng: SplitMix64
    var driver: Driver
    var patient: Patient
    let q = ModelBasedTests.questionnaire

    init(seed: UInt64, driver: Driver) {
        rng = SplitMix64(state: seed)
        patient = Patient(&rng, questionnaire: ModelBasedTests.questionnaire, visit: ModelBasedTests.visit)
        self.driver = driver
    }

    /// Walks until the intake is submitted; returns what the kiosk submitted (pure driver) or its answers.
    mutating func run() throws -> Answers {
        var reviewVisits = 0
        for _ in 0..<3_000 {
            switch driver.state.screen {
            case .welcome(let list):
                let target = patient.language == .ar ? 1 : 0
                if list.cursor != target { _ = driver.press(target > list.cursor ? .down : .up); continue }
                _ = driver.press(.enter)
            case .question(let linkId):
                try answer(linkId)
            case .notice:
                try detours()
                _ = driver.press(.enter)
            case .review(let cursor):
                reviewVisits += 1
                if reviewVisits <= 3, rng.chance(0.4), let target = pickReviewEdit() {
                    // Change an answer from the check page: the patient now means something else.
                    let index = driver.state.reviewEntries.firstIndex(of: target)!
                    for _ in 0..<abs(index - cursor) { _ = driver.press(index > cursor ? .down : .up) }
                    _ = driver.press(.enter)
                    patient.intended[target] = changed(target)
                } else {
                    _ = driver.press(.end)
                    _ = driver.press(.enter)
                }
            case .thanks:
                if let pure = driver as? StateDriver, let answers = pure.submitted { return answers }
                return driver.state.answers
            }
            if let pure = driver as? StateDriver, let answers = pure.submitted { return answers }
        }
        throw Stuck(description: "no submit after 3,000 screens (on \(driver.state.screen))")
    }

    /// A required question (not the attestation) to change from the check page.
    mutating func pickReviewEdit() -> String? {
        let candidates = driver.state.reviewEntries.filter { q.item($0)?.required == true && q.item($0)?.type != .display }
        return candidates.randomElement(using: &rng)
    }

    mutating func changed(_ linkId: String) -> [AnswerValue] {
        let item = q.item(linkId)!
        for _ in 0..<5 {
            let value = Patient.value(for: item, &rng, visit: ModelBasedTests.visit, required: true)
            if value != patient.intended[linkId] { return value }
        }
        return patient.intended[linkId] ?? []
    }

    /// Keys that are not a pick: none may change a stored answer or a mark.
    mutating func detours() throws {
        let choice = driver.state.editor?.isChoice ?? false
        var keys: [Key] = [.resize, .control("c"), .control("z"), .function(5), .control("d")]
        if choice { keys += [.left, .right, .character("x"), .character("0"), .backspace, .delete] }
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            let before = driver.state.answers
            let mark = marks()
            let screen = driver.state.screen
            let key = keys.randomElement(using: &rng)!
            _ = driver.press(key)
            guard driver.state.answers == before, marks() == mark, driver.state.screen == screen else {
                throw Stuck(description: "the non-pick key \(key) changed an answer, a mark or the screen on \(screen)")
            }
        }
        if rng.chance(0.05) {
            // F2 twice: the question in the other language and back, marks and text kept.
            let before = driver.state.answers, mark = marks()
            _ = driver.press(.function(2)); _ = driver.press(.function(2))
            guard driver.state.answers == before, marks() == mark else { throw Stuck(description: "F2 changed an answer") }
        }
        if rng.chance(0.03) {
            // Away from the kiosk: "Are you still there?", answered in time by any key, which does nothing else.
            let before = driver.state.answers
            driver.wait(driver.state.timings.idle + 1)
            _ = driver.press(.character("1"))
            guard driver.state.answers == before else { throw Stuck(description: "the idle prompt's key changed an answer") }
        }
    }

    func marks() -> [Int]? {
        if case .choice(let list)? = driver.state.editor?.control { return list.selectedIndices }
        return nil
    }

    /// Answers the question on screen as the patient means, sometimes after a wrong first try
    /// or a step back, then Enter.
    mutating func answer(_ linkId: String) throws {
        guard let item = q.item(linkId) else { throw Stuck(description: "unknown screen \(linkId)") }
        let wanted = patient.intended[linkId] ?? []
        try detours()
        if item.required, !item.mustBeTrue, rng.chance(0.08) {
            // Give another answer first and go on; then come back (Esc, or from the check page) and put it right.
            let wrong = changed(linkId)
            if wrong != wanted, !wrong.isEmpty {
                try give(item, wrong)
                _ = driver.press(.enter)
                for _ in 0..<3 where driver.state.screen != .question(linkId) {
                    if case .review(let cursor) = driver.state.screen {
                        let index = driver.state.reviewEntries.firstIndex(of: linkId)!
                        for _ in 0..<abs(index - cursor) { _ = driver.press(index > cursor ? .down : .up) }
                        _ = driver.press(.enter)
                    } else {
                        _ = driver.press(.escape)  // from a follow-up asked from the check page, Esc returns there
                    }
                }
                guard driver.state.screen == .question(linkId) else {
                    throw Stuck(description: "could not come back to \(linkId) to correct it (on \(driver.state.screen))")
                }
            }
        }
        try give(item, wanted)
        try detours()
        _ = driver.press(.enter)
        if driver.state.screen == .question(linkId) {
            throw Stuck(description: "\(linkId): \(wanted) was not accepted: \(driver.state.problemMessage ?? "no message")")
        }
        var onward = false
        switch driver.state.screen { case .question, .notice: onward = true; default: break }
        if onward, !driver.state.returnToReview, rng.chance(0.06) {
            // Back one screen and forward again: nothing changes.
            let before = driver.state.answers
            _ = driver.press(.escape)
            guard driver.state.screen == .question(linkId) else {
                throw Stuck(description: "Esc after \(linkId) went to \(driver.state.screen)")
            }
            _ = driver.press(.enter)
            guard driver.state.answers == before else { throw Stuck(description: "back and forward changed an answer after \(linkId)") }
        }
    }

    /// Puts `values` into the editor on screen with the keys a person would use.
    mutating func give(_ item: Questionnaire.Item, _ values: [AnswerValue]) throws {
        guard let editor = driver.state.editor else { throw Stuck(description: "no editor on \(item.linkId)") }
        switch editor.control {
        case .choice(let list):
            let target: Set<Int> = Set(values.compactMap { value in
                switch value {
                case .boolean(let b): b ? 0 : 1
                case .coding(let code): item.options.firstIndex { $0.code == code }
                default: nil
                }
            })
            if list.mode == .single {
                guard let goal = target.first else { return }  // an optional question left unanswered
                if rng.chance(0.5), goal < 9 {
                    _ = driver.press(.character(Character(String(goal + 1))))
                } else {
                    var cursor = list.cursor
                    if cursor == goal && !list.selectedIndices.contains(goal) { _ = driver.press(.character(" ")) }
                    while cursor != goal { _ = driver.press(goal > cursor ? .down : .up); cursor += goal > cursor ? 1 : -1 }
                }
            } else {
                for _ in 0..<20 {
                    guard case .choice(let now)? = driver.state.editor?.control else { break }
                    let current = Set(now.selectedIndices)
                    if current == target { break }
                    let differing = current.symmetricDifference(target)
                    let exclusive = now.exclusiveIndex
                    let index = (exclusive.map { target.contains($0) } ?? false) ? exclusive! : differing.filter { $0 != exclusive }.randomElement(using: &rng) ?? differing.first!
                    if rng.chance(0.5), index < 9 {
                        _ = driver.press(.character(Character(String(index + 1))))
                    } else {
                        var cursor = now.cursor
                        while cursor != index { _ = driver.press(index > cursor ? .down : .up); cursor += index > cursor ? 1 : -1 }
                        _ = driver.press(.character(" "))
                    }
                }
            }
        case .text(let field):
            let text: String = switch values.first {
            case .string(let s)?: s
            case .date(let d)?: d.description
            default: ""
            }
            guard field.text != text else { return }
            if !field.text.isEmpty {
                if rng.chance(0.5) { _ = driver.press(.control("u")) } else {
                    _ = driver.press(.end)
                    for _ in 0..<field.text.count { _ = driver.press(.backspace) }
                }
            }
            for (i, c) in text.enumerated() {
                if i == text.count / 2, rng.chance(0.2) {
                    // A slip of the finger, put right at once.
                    _ = driver.press(.character(item.type == .date ? "7" : "q"))
                    _ = driver.press(.backspace)
                }
                _ = driver.press(.character(c))
            }
        }
    }
}
