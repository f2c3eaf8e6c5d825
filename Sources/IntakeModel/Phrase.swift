import Foundation

/// A sentence or label the program shows, other than questionnaire text.
///
/// The words live in `Resources/phrases.json`, English and Arabic side by side;
/// this enum only names them, so a typo in a key is a compile error and a
/// missing translation is caught by a test over `allCases`.
public enum Phrase: String, CaseIterable, Sendable {
    // Summary and assessment text
    case clinicHeader = "summary.clinic"
    case summaryTitle = "summary.title"
    case patient = "summary.patient"
    case dateOfBirth = "summary.dob"
    case age = "summary.age"
    case visitDate = "summary.visit"
    case intakeID = "summary.intake"
    case verdicts = "summary.verdicts"
    case until = "summary.until"
    case noFindings = "summary.noFindings"
    case matchesGoals = "summary.matchesGoals"
    case answers = "summary.answers"
    case triggeredLegend = "summary.triggeredLegend"
    case notAnswered = "summary.notAnswered"
    case yes = "answer.yes"
    case no = "answer.no"
    case decision = "summary.decision"
    case proceed = "summary.proceed"
    case deferChoice = "summary.defer"
    case decline = "summary.decline"
    case note = "summary.note"
    case practitionerName = "summary.practitionerName"
    case signature = "summary.signature"
    case date = "summary.date"
    case versions = "summary.versions"
    case disclaimer = "summary.disclaimer"
    case notAsked = "summary.notAsked"
    case source = "summary.source"

    /// The phrase in `language`.
    public func callAsFunction(_ language: Language) -> String { text(language) }

    public var text: LocalizedText { Phrase.catalog[self] ?? LocalizedText([.en: rawValue]) }

    /// The phrase with `{0}`, `{1}`… replaced by `arguments`.
    public func callAsFunction(_ language: Language, _ arguments: CustomStringConvertible...) -> String {
        var result = text(language)
        for (i, argument) in arguments.enumerated() {
            result = result.replacingOccurrences(of: "{\(i)}", with: argument.description)
        }
        return result
    }

    /// Every phrase, read once from the bundled catalog.
    static let catalog: [Phrase: LocalizedText] = {
        guard let url = Bundle.module.url(forResource: "phrases", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let raw = try? JSONDecoder().decode([String: [String: String]].self, from: data) else { return [:] }
        var catalog: [Phrase: LocalizedText] = [:]
        for (key, texts) in raw {
            guard let phrase = Phrase(rawValue: key) else { continue }
            catalog[phrase] = LocalizedText(Dictionary(uniqueKeysWithValues: texts.compactMap { k, v in Language(rawValue: k).map { ($0, v) } }))
        }
        return catalog
    }()

    /// Keys in the catalog file that no phrase names: stale entries to clean up.
    public static var unusedCatalogKeys: [String] {
        guard let url = Bundle.module.url(forResource: "phrases", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let raw = try? JSONDecoder().decode([String: [String: String]].self, from: data) else { return [] }
        return raw.keys.filter { Phrase(rawValue: $0) == nil }.sorted()
    }
}
