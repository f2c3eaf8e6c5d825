import Foundation
import IntakeSummary
import Printing

/// Makes the PDF of a summary by running `intake-pdf`, the helper installed beside `intake`.
public enum PDFProcess {
    /// The helper: `$INTAKE_PDF_HELPER` when set, else `intake-pdf` in the folder of the running program.
    public static func helperPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["INTAKE_PDF_HELPER"], path.hasPrefix("/") { return path }
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? "intake"
        return (me as NSString).deletingLastPathComponent + "/intake-pdf"
    }

    /// The summary typeset on `paper`, as PDF bytes.
    public static func render(_ summary: Summary, paper: Paper,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws(Helper.Failure) -> [UInt8] {
        let job = PDFJob(document: SummaryDocument(summary), paper: paper)
        let input: [UInt8]
        do { input = Array(try JSONEncoder().encode(job)) } catch {
            throw Helper.Failure(description: "the summary could not be handed to intake-pdf: \(error)")
        }
        // The helper needs only what fontconfig and the locale read; nothing else of ours reaches it.
        let passed = environment.filter { ["PATH", "HOME", "LANG", "LC_ALL", "FONTCONFIG_FILE", "FONTCONFIG_PATH", "XDG_CACHE_HOME"].contains($0.key) }
        return try Helper.run(helperPath(environment: environment), input: input, environment: passed)
    }
}
