/// A language the patient or practitioner reads.
public enum Language: String, CaseIterable, Sendable, Codable, Hashable {
    case en
    case ar

    /// Whether text in this language runs right to left.
    public var isRightToLeft: Bool { self == .ar }
}

/// Text given in every supported language.
///
/// Clinical text is declared once, with all its translations side by side, so a
/// missing translation is found by ``missingLanguages`` rather than shown as a blank.
public struct LocalizedText: Hashable, Sendable {
    public var values: [Language: String]

    public init(_ values: [Language: String]) { self.values = values }

    public init(en: String, ar: String) { self.values = [.en: en, .ar: ar] }

    /// The text in `language`, falling back to English so a gap never shows as nothing.
    public func callAsFunction(_ language: Language) -> String {
        values[language] ?? values[.en] ?? ""
    }

    /// Languages with no text, or only whitespace.
    public var missingLanguages: [Language] {
        Language.allCases.filter { (values[$0] ?? "").allSatisfy(\.isWhitespace) }
    }
}
