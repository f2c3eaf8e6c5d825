import IntakeModel

/// Turns answers into an ``Assessment``: pure, so the same answers and date always give the same result.
public struct Assessor: Sendable {
    public let questionnaire: Questionnaire
    public let rules: [Rule]

    public init(questionnaire: Questionnaire, rules: [Rule] = RuleTable.rules) {
        self.questionnaire = questionnaire
        self.rules = rules
    }

    /// Assesses `answers` (as given: answers to disabled questions are dropped here) on the visit date `asOf`.
    public func assess(_ answers: Answers, asOf: Day) -> Assessment {
        let enablement = questionnaire.enablement(for: answers)
        let effective = Answers(answers.values.filter { enablement.isEnabled($0.key) })
        let context = Context(
            answers: effective,
            asOf: asOf,
            missing: questionnaire.unansweredRequired(effective, enablement: enablement).map { questionnaire.questions[$0].linkId }
        )
        let fired = rules.enumerated().compactMap { index, rule -> (Int, Rule, Finding)? in
            guard context.holds(rule.when) else { return nil }
            let until = rule.wait.flatMap(context.until)
            let missing: [String]? = if case .incomplete = rule.when { context.missing } else { nil }
            return (index, rule, Finding(rule: rule.id, verdict: rule.verdict, until: until, reason: rule.reason, source: rule.source,
                                          linkIds: context.triggers(rule.when), missing: missing))
        }
        let procedures = Self.assessedProcedures(context.answers).map { procedure -> ProcedureAssessment in
            let findings = fired
                .filter { $0.1.procedures.contains(procedure) }
                .sorted { ($0.2.verdict, -$0.0) > ($1.2.verdict, -$1.0) }
                .map(\.2)
            let verdict = findings.map(\.verdict).max() ?? .eligible
            var until: Day? = nil
            if verdict == .defer {
                let deferrals = findings.filter { $0.verdict == .defer }
                if deferrals.allSatisfy({ $0.until != nil }) { until = deferrals.compactMap(\.until).max() }
            }
            return ProcedureAssessment(procedure: procedure, verdict: verdict, until: until, findings: findings)
        }
        return Assessment(asOf: asOf, procedures: procedures, rulesetVersion: RuleTable.version)
    }

    /// The procedures chosen; both when the patient is unsure or did not say.
    static func assessedProcedures(_ answers: Answers) -> [Procedure] {
        let chosen = answers.codes("procedures")
        if chosen.isEmpty || chosen.contains("unsure") { return Procedure.allCases }
        return Procedure.allCases.filter { chosen.contains($0.rawValue) }
    }

    struct Context {
        let answers: Answers
        let asOf: Day
        /// Enabled required questions left unanswered, worked out once.
        let missing: [String]

        func holds(_ condition: Condition) -> Bool {
            switch condition {
            case .yes(let linkId): return answers.bool(linkId) == true
            case .oneOf(let linkId, let codes): return answers.codes(linkId).contains { codes.contains($0) }
            case .includesAny(let linkId, let codes): return answers.codes(linkId).contains { codes.contains($0) }
            case .within(let linkId, let days):
                guard let day = intervalDay(linkId) else { return false }
                return asOf.days(since: day) < days
            case .ageBelow(let linkId, let years):
                guard let born = answers.date(linkId)?.exactDay else { return false }
                return born.age(on: asOf) < years
            case .incomplete: return !missing.isEmpty
            case .any(let conditions): return conditions.contains(where: holds)
            case .all(let conditions): return conditions.allSatisfy(holds)
            case .not(let inner): return !holds(inner)
            }
        }

        /// The questions that make a holding condition hold: only the true branches of `any`.
        func triggers(_ condition: Condition) -> [String] {
            switch condition {
            case .yes(let id), .oneOf(let id, _), .includesAny(let id, _), .within(let id, _), .ageBelow(let id, _):
                return holds(condition) ? [id] : []
            case .incomplete: return missing
            case .any(let conditions): return conditions.flatMap(triggers)
            case .all(let conditions): return holds(condition) ? conditions.flatMap(triggers) : []
            case .not: return []
            }
        }

        /// The first day a dated deferral no longer applies.
        func until(_ wait: Wait) -> Day? {
            switch wait {
            case .days(let days, let linkId): return intervalDay(linkId)?.adding(days: days)
            case .birthday(let years, let linkId): return answers.date(linkId)?.exactDay?.birthday(turning: years)
            }
        }

        /// The day a date answer counts from: a partial date's latest day, never after the visit.
        func intervalDay(_ linkId: String) -> Day? {
            answers.date(linkId).map { min($0.latestDay, asOf) }
        }
    }
}
