import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeSummary
@testable import Printing
@testable import SummaryPDF

/// Issue 12: the summary as a PDF, read back with poppler as a person or a records system would.
@Suite(.enabled(if: popplerMissing == nil, Comment(rawValue: popplerMissing ?? "")))
struct SummaryPDFTests {
    static var caseFiles: [String] { Cases.all.map(\.path) }

    /// Every case, in both languages: one A4 page, whose text has the header, the verdicts, the
    /// identifiers in reading order and the decision block.
    @Test(arguments: caseFiles, Language.allCases)
    func everyCaseIsOnePageWithItsHeaderVerdictsAndIdentifiers(_ path: String, _ language: Language) throws {
        let summary = try Cases.summary(URL(fileURLWithPath: path), language)
        let document = SummaryDocument(summary)
        let pdf = try TemporaryPDF(try SummaryPDF.render(summary, paper: .a4)); defer { pdf.remove() }
        let name = URL(fileURLWithPath: path).lastPathComponent
        #expect(try pdf.pages() == 1, "\(name) \(language): one page")
        #expect(try SummaryPDF.pageCount(document, paper: .letter) == 1, "\(name) \(language): one page on Letter too")
        let pages = try pdf.pageTexts()
        #expect(!pages.isEmpty)
        let arabic = language == .ar
        func has(_ text: String, _ page: String) -> Bool {
            comparable(page, dropSpaces: arabic).contains(comparable(text, dropSpaces: arabic))
        }
        for (index, page) in pages.enumerated() {
            let identity = document.identity
            for part in [identity.clinic, identity.patientName, identity.dateOfBirth, identity.intakeCode, identity.visitDate,
                         Phrase.page(language, index + 1, pages.count)] {
                #expect(has(part, page), "\(name) \(language) page \(index + 1): header \(part)")
            }
        }
        let all = pages.joined(separator: "\n")
        for verdict in document.verdicts {
            #expect(has(verdict.word, all), "\(name) \(language): verdict \(verdict.word)")
            if let until = verdict.until { #expect(has(until, all), "\(name) \(language): \(until)") }
        }
        if !document.incomplete.isEmpty {
            #expect(has(DocumentText.incompleteWord(language), all))
        }
        // Identifiers read left to right even inside Arabic lines; never split or reversed.
        let plain = comparable(all, dropSpaces: false)
        for finding in document.verdicts.flatMap(\.findings) {
            #expect(plain.contains(finding.rule), "\(name) \(language): \(finding.rule)")
            let parts = finding.rule.split(separator: "-")
            if parts.count > 1 { #expect(!plain.contains(parts.reversed().joined(separator: "-")), "\(finding.rule) reversed") }
            for tag in ["[S1]", "[S2]", "[L]"] where finding.source.contains(tag) {
                #expect(plain.contains(tag), "\(name) \(language): \(tag)")
            }
        }
        #expect(!plain.contains("[1S]") && !plain.contains("[2S]"))
        // The decision block, on the last page with the header.
        let last = pages[pages.count - 1]
        #expect(has(Phrase.decision(language), last))
        #expect(has(Phrase.signature(language), last))
        #expect(has(Phrase.disclaimer(language), last))
    }

    /// A signed decision: the signer's full name and credential, the date and time and the hash's short form.
    @Test(arguments: Language.allCases)
    func aSignedDecisionNamesTheSignerWithCredentialAndHash(_ language: Language) throws {
        let file = Cases.bundled.appendingPathComponent("05-botox-month-only.json")
        let summary = try Cases.summary(file, language, signed: Cases.signed(language))
        let pdf = try TemporaryPDF(try SummaryPDF.render(summary, paper: .a4)); defer { pdf.remove() }
        #expect(try pdf.pages() == 1)
        let arabic = language == .ar
        let text = comparable(try pdf.pageTexts().joined(), dropSpaces: arabic)
        let name = language == .ar ? "سارة حداد" : "Sara Haddad"
        // pdftotext puts the Latin credential of an Arabic line where its heuristics like: check both parts.
        #expect(text.contains(comparable(arabic ? name : "\(name), MD", dropSpaces: arabic)))
        #expect(text.contains("MD"))
        #expect(text.contains(comparable(DocumentText.signedBy(language), dropSpaces: arabic)))
        // The date and time read left to right on the page (see the reference render); poppler
        // lists the number groups of an Arabic line in an order of its own, so look for each.
        for part in arabic ? ["2026-11-22", "14:05", "UTC"] : ["2026-11-22 14:05 UTC"] { #expect(text.contains(part)) }
        #expect(text.contains(comparable("3f9a 0c12 77be", dropSpaces: arabic)))
        #expect(text.contains(comparable(Phrase.proceed(language).uppercased(), dropSpaces: arabic)))
        #expect(!text.contains("drsara"), "the full name, not the login")
        // The text summary says the same.
        let plain = summary.render()
        #expect(plain.contains("\(name), MD"))
        #expect(plain.contains("3f9a 0c12 77be"))
    }

    /// Without a full name the login name is printed, as before.
    @Test func withoutAFullNameTheLoginNameIsPrinted() throws {
        let signed = Summary.SignedDecision(decisions: [.microneedling: (.proceed, nil)], note: nil, practitioner: "drsara",
                                            signedAt: "2026-11-22 14:05 UTC", amended: false)
        #expect(signed.signer == "drsara")
        #expect(signed.shortHash == nil)
        let summary = try Cases.summary(Cases.bundled.appendingPathComponent("01-clear-candidate.json"), .en, signed: signed)
        let pdf = try TemporaryPDF(try SummaryPDF.render(summary, paper: .a4)); defer { pdf.remove() }
        #expect(try pdf.pageTexts().joined().contains("drsara"))
    }

    /// A summary too long for one page: every page has the header, and the decision block with
    /// its heading, the versions and the disclaimer stay together on the last page.
    @Test(arguments: Language.allCases)
    func aLongSummaryBreaksBetweenBlocksWithTheHeaderOnEveryPage(_ language: Language) throws {
        let summary = try Cases.summary(Cases.bundled.appendingPathComponent("11-eczema-and-herpes.json"), language,
                                        signed: Cases.signed(language))
        var document = SummaryDocument(summary)
        document.answerGroups += document.answerGroups + document.answerGroups  // three times the answers
        let pdf = try TemporaryPDF(try SummaryPDF.render(document, paper: .letter)); defer { pdf.remove() }
        let count = try #require(try pdf.pages())
        #expect(count >= 2)
        #expect(try SummaryPDF.pageCount(document, paper: .letter) == count)
        let arabic = language == .ar
        let pages = try pdf.pageTexts().map { comparable($0, dropSpaces: arabic) }
        #expect(pages.count == count)
        func c(_ text: String) -> String { comparable(text, dropSpaces: arabic) }
        for (index, page) in pages.enumerated() {
            #expect(page.contains(c(Phrase.page(language, index + 1, count))), "page \(index + 1)")
            for part in [document.identity.patientName, document.identity.dateOfBirth, document.identity.intakeCode] {
                #expect(page.contains(c(part)), "page \(index + 1): \(part)")
            }
            #expect(page.contains(c(Phrase.answers(language))) || index > 0 || count == 1)
        }
        let last = try #require(pages.last)
        // (The versions line is looked for in English only: poppler moves its "·" around in Arabic.)
        for part in [Phrase.decision(language), DocumentText.signedBy(language), Phrase.disclaimer(language)]
            + (arabic ? [] : [document.versions]) {
            #expect(last.contains(c(part)), "the decision block and the foot are on the last page: \(part)")
        }
        for page in pages.dropLast() { #expect(!page.contains(c(Phrase.decision(language)))) }
    }

    @Test func letterPaperIsLetterSizedAndA4IsA4() throws {
        let summary = try Cases.summary(Cases.bundled.appendingPathComponent("01-clear-candidate.json"), .en)
        for (paper, size) in [(Paper.a4, "595.276 x 841.89"), (.letter, "612 x 792")] {
            let pdf = try TemporaryPDF(try SummaryPDF.render(summary, paper: paper)); defer { pdf.remove() }
            let info = String(decoding: try run("pdfinfo", [pdf.path]) ?? Data(), as: UTF8.self)
            #expect(info.contains(size), "\(paper): \(info)")
        }
    }

    /// An incomplete intake says so above the verdicts, naming the questions.
    @Test(arguments: Language.allCases)
    func anIncompleteIntakeSaysSoAboveTheVerdicts(_ language: Language) throws {
        let summary = try Cases.summary(Cases.bundled.appendingPathComponent("10-incomplete.json"), language)
        let document = SummaryDocument(summary)
        #expect(!document.incomplete.isEmpty)
        let pdf = try TemporaryPDF(try SummaryPDF.render(summary, paper: .a4)); defer { pdf.remove() }
        let arabic = language == .ar
        let text = comparable(try pdf.pageTexts().joined(), dropSpaces: arabic)
        let banner = comparable(DocumentText.incompleteWord(language), dropSpaces: arabic)
        let firstVerdict = comparable(document.verdicts[0].procedureName, dropSpaces: arabic)
        let bannerAt = try #require(text.range(of: banner))
        let verdictsAt = try #require(text.range(of: firstVerdict))
        #expect(bannerAt.lowerBound < verdictsAt.lowerBound, "the banner comes before the verdict box")
        #expect(text.contains(comparable(document.incomplete[0], dropSpaces: arabic)))
    }

    /// The same summary gives the same bytes: no clock in the document.
    @Test func theSameSummaryGivesTheSameBytes() throws {
        let summary = try Cases.summary(Cases.bundled.appendingPathComponent("04-botox-ten-days-ago.json"), .ar)
        #expect(try SummaryPDF.render(summary, paper: .a4) == SummaryPDF.render(summary, paper: .a4))
    }

    /// Render time, printed for the record; far under what a print or the station can notice.
    @Test func renderingIsFast() throws {
        let summaries = try Cases.all.prefix(10).flatMap { file in try Language.allCases.map { try Cases.summary(file, $0) } }
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for summary in summaries { _ = try SummaryPDF.render(summary, paper: .a4) } }
        let each = elapsed / summaries.count
        print("SummaryPDF: \(each) per summary over \(summaries.count) (debug build)")
        #expect(each < .seconds(1))
    }
}

/// The paper when none is asked for: the printer's media, else the locale's.
struct PaperTests {
    @Test func mediaNamesFromCUPS() {
        #expect(Paper.fromMedia("iso_a4_210x297mm") == .a4)
        #expect(Paper.fromMedia("A4") == .a4)
        #expect(Paper.fromMedia("na_letter_8.5x11in") == .letter)
        #expect(Paper.fromMedia("Letter") == .letter)
        #expect(Paper.fromMedia("na_legal_8.5x14in") == nil)
    }

    @Test func theLocaleDecidesWhenThePrinterDoesNot() {
        #expect(Paper.preferred(media: nil, environment: ["LANG": "en_US.UTF-8"]) == .letter)
        #expect(Paper.preferred(media: nil, environment: ["LANG": "fr_CA.UTF-8"]) == .letter)
        #expect(Paper.preferred(media: nil, environment: ["LANG": "ar_JO.UTF-8"]) == .a4)
        #expect(Paper.preferred(media: nil, environment: ["LANG": "en_US.UTF-8", "LC_PAPER": "en_GB.UTF-8"]) == .a4)
        #expect(Paper.preferred(media: nil, environment: ["LANG": "C.UTF-8"]) == .a4)
        #expect(Paper.preferred(media: nil, environment: [:]) == .a4)
        #expect(Paper.preferred(media: "iso_a4_210x297mm", environment: ["LANG": "en_US.UTF-8"]) == .a4)
    }

    /// lpoptions is asked with -p, which only lists: -d would make the printer the user's default.
    @Test func theDestinationsMediaComesFromLpoptionsWithoutChangingTheDefault() throws {
        let folder = NSTemporaryDirectory() + "intake-lpoptions-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/lpoptions"
        try "#!/bin/sh\necho \"$@\" > \"\(folder)/args\"\necho 'copies=1 media=na_letter_8.5x11in sides=one-sided'\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let media = Printer.destinationMedia(printer: "front-desk", environment: ["PATH": folder])
        #expect(media == "na_letter_8.5x11in")
        #expect(try String(contentsOfFile: folder + "/args", encoding: .utf8) == "-p front-desk\n")
        #expect(Printer.destinationMedia(printer: nil, environment: ["PATH": folder + "/none"]) == nil, "no lpoptions: no media")
    }

    @Test func lpoptionsOutputIsRead() {
        #expect(Printer.media(inOptions: "copies=1 device-uri=ipp://x media=iso_a4_210x297mm sides=one-sided") == "iso_a4_210x297mm")
        #expect(Printer.media(inOptions: "media='na_letter_8.5x11in,tray-1'") == "na_letter_8.5x11in")
        #expect(Printer.media(inOptions: "copies=1") == nil)
    }
}




