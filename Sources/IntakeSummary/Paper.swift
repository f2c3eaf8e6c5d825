/// The sheet the summary is set on.
public enum Paper: String, Sendable, CaseIterable, Codable {
    case a4, letter

    /// Width and height in PostScript points (1/72 inch).
    public var size: (width: Double, height: Double) {
        switch self {
        case .a4: (595.276, 841.890)  // 210 × 297 mm
        case .letter: (612, 792)      // 8.5 × 11 in
        }
    }

    /// The paper a CUPS media name stands for ("iso_a4_210x297mm", "A4", "na_letter_8.5x11in",
    /// "Letter"), or nil for anything else (legal, envelopes, a name we do not know).
    public static func fromMedia(_ media: String) -> Paper? {
        let name = media.lowercased()
        if name == "a4" || name.hasPrefix("iso_a4") || name.hasPrefix("a4.") { return .a4 }
        if name == "letter" || name.hasPrefix("na_letter") || name.hasPrefix("letter.") || name == "us-letter" { return .letter }
        return nil
    }

    /// The paper the locale uses: Letter in the United States and Canada (and the few others that
    /// use it), A4 everywhere else. Read from LC_ALL, LC_PAPER, then LANG, as the C library does.
    public static func fromLocale(_ environment: [String: String]) -> Paper {
        let locale = ["LC_ALL", "LC_PAPER", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? ""
        // "en_US.UTF-8" → "US"; "C", "POSIX" and a bare language have no territory: A4.
        let territory = locale.split(separator: ".").first.flatMap { $0.split(separator: "_").dropFirst().first }
            .map { String($0.prefix { $0.isLetter }).uppercased() }
        return ["US", "CA", "MX", "PH", "CL", "CO", "VE", "PR", "GT", "CR", "PA", "SV", "NI", "DO"].contains(territory ?? "")
            ? .letter : .a4
    }

    /// The paper to use when none was asked for: the CUPS destination's media when known, else the locale's.
    public static func preferred(media: String?, environment: [String: String]) -> Paper {
        media.flatMap(fromMedia) ?? fromLocale(environment)
    }
}
