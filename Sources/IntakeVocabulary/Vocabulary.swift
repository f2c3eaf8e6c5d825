/// The words the record is written in, declared once.
///
/// The rules, the database, the review station, printing and the command line all use these
/// enums; the database holds their raw values and checks them (CHECK constraints and triggers),
/// and reading a value that is not among them is an error that names the row. Human names for
/// them (in English and Arabic) live with the modules that show them.

/// A procedure the clinic screens for.
public enum Procedure: String, CaseIterable, Sendable, Codable, Hashable, CodingKeyRepresentable {
    case microneedling
    case microBotox = "micro-botox"
}

/// The outcome of screening for one procedure, from least to most severe.
public enum Verdict: String, CaseIterable, Sendable, Codable, Hashable, Comparable {
    case eligible
    case review
    case `defer`
    case contraindicated

    var severity: Int { Verdict.allCases.firstIndex(of: self)! }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.severity < b.severity }
}

/// Where an intake stands in its life: being filled in, handed in, or given up.
public enum IntakeStatus: String, CaseIterable, Sendable, Codable, Hashable {
    case draft
    case submitted
    case abandoned
}

/// Where a submitted intake stands at the review station.
public enum ReviewState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Submitted, not yet opened by a practitioner.
    case new
    /// Opened, not yet signed.
    case inReview = "in_review"
    /// Decisions signed (possibly amended since).
    case signed
}

/// A practitioner's decision for one procedure.
public enum ReviewDecision: String, Sendable, Hashable, CaseIterable, Codable {
    case proceed
    case `defer`
    case decline
}
