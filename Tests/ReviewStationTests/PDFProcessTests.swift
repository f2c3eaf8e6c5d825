import Foundation
import Testing
import IntakeModel
import IntakeRules
import IntakeSummary
import Printing
import ReviewStation

/// The PDF comes from `intake-pdf`, run beside the program; without it, printing still happens, as text.
struct PDFProcessTests {
    static func summary() throws -> Summary {
        let answers = try Harness.clearAnswers()
        let assessment = Assessor(questionnaire: Harness.questionnaire).assess(answers, asOf: Day(iso: "2026-11-22")!)
        return Summary(questionnaire: Harness.questionnaire, answers: answers, assessment: assessment, intakeID: "K7M-4QX")
    }

    @Test func theHelperBesideTheProgramMakesThePDF() throws {
        let pdf = try PDFProcess.render(try Self.summary(), paper: .a4)
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
    }

    @Test func aMissingHelperIsNamedAndPrintingFallsBackToText() throws {
        let environment = ["INTAKE_PDF_HELPER": "/nonexistent/intake-pdf", "PATH": "/usr/bin:/bin"]
        #expect(throws: Helper.Failure.self) { _ = try PDFProcess.render(try Self.summary(), paper: .a4, environment: environment) }
        do {
            _ = try PDFProcess.render(try Self.summary(), paper: .a4, environment: environment)
        } catch {
            #expect("\(error)".contains("/nonexistent/intake-pdf could not be started"))
        }
        let request = PrintableDocument.request(try Self.summary(), title: "t", printer: nil, paper: .a4, environment: environment)
        #expect(request.pdf == nil && request.text.contains("K7M-4QX"), "the patient's file still gets the summary, as text")
    }
}
