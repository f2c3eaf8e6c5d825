/// Why a date answer is refused: the one date check, shared by the kiosk and the response reader.
public enum DateProblem: Error, Equatable, Sendable {
    /// Not a date at all (or not one that exists, such as 2026-02-30).
    case invalid
    /// A year or a year and month where the question needs a full day.
    case needsFullDate
    /// After the visit date.
    case future
    /// A date of birth that gives an age outside the question's range.
    case age(Int, allowed: ClosedRange<Int>)
}

extension Questionnaire.Item {
    /// Checks `text` as this question's date answer on the visit day `asOf`: a real date,
    /// complete unless the question allows a partial one, not after the visit, and, for a date
    /// of birth with an age range, an age within it.
    public func checkDate(_ text: String, asOf: Day) -> Result<PartialDate, DateProblem> {
        guard let date = PartialDate(text) else { return .failure(.invalid) }
        guard date.isComplete || allowsPartialDate else { return .failure(.needsFullDate) }
        guard date.earliestDay <= asOf else { return .failure(.future) }
        if let range = ageRange, let born = date.exactDay {
            let age = born.age(on: asOf)
            guard range.contains(age) else { return .failure(.age(age, allowed: range)) }
        }
        return .success(date)
    }
}
