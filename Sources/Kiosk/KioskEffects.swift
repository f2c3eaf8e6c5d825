import IntakeModel
import IntakeStorage

/// Carries out a kiosk's effects against the store, for the full-screen and the line-by-line kiosk alike.
///
/// A `final class` because it owns the one open draft (through its recorder) and remembers that a
/// write failed, so the next event first writes every answer on screen again.
final class KioskEffects {
    let store: IntakeStore
    let recorder: IntakeRecorder
    let kioskID: String
    /// With no staff PIN set, whether the staff command closes the kiosk (`--allow-no-pin`).
    let allowNoPIN: Bool
    /// How the audit log names this kiosk's way of being closed ("closed", "plain kiosk closed").
    let closedBy: String
    /// Set when a write failed: see ``resync(_:)``.
    private(set) var needsResync = false

    init(store: IntakeStore, questionnaire: Questionnaire, kioskID: String, today: @escaping () -> Day,
         allowNoPIN: Bool, closedBy: String) {
        self.store = store
        self.recorder = IntakeRecorder(questionnaire: questionnaire, store: store, kioskID: kioskID, today: today)
        self.kioskID = kioskID
        self.allowNoPIN = allowNoPIN
        self.closedBy = closedBy
    }

    /// After a failed write, writes every answer of `state` again, so a moment's database trouble loses
    /// nothing the patient gave; returns `.saveFailed` if it fails again.
    func resync(_ state: KioskState) -> [KioskProgram.Message] {
        guard needsResync else { return [] }
        do {
            if state.hasDraft {
                if recorder.draft == nil { try recorder.start(state.language) }
                for (linkId, values) in state.answers.values { try recorder.save(linkId, values) }
            }
            needsResync = false
            return []
        } catch {
            return [.saveFailed]
        }
    }

    /// Carries out one effect; what comes of it goes back to the state as messages. `.exit` closes the
    /// patient's draft; leaving is the caller's.
    func perform(_ effect: KioskEffect, state: KioskState) -> [KioskProgram.Message] {
        var messages = resync(state)
        do {
            switch effect {
            case .startDraft(let language): try recorder.start(language)
            case .save(let linkId, let values): try recorder.save(linkId, values)
            case .remove(let linkId): try recorder.save(linkId, [])
            case .setLanguage(let language): try recorder.setLanguage(language)
            case .submit(let answers, let language):
                messages.append(.submitted(code: try recorder.submit(answers, language: language)))
            case .abandon(let reason):
                needsResync = false
                try recorder.abandon(reason: reason)
            case .verifyPIN(let pin): messages.append(.pinChecked(try checkPIN(pin)))
            case .exit:
                // Staff closing the kiosk mid-intake: the patient's answers go, not wait for the next start.
                if state.hasDraft { try? recorder.abandon(reason: "kiosk closed by staff") }
            }
        } catch {
            // Nothing the patient did is lost by a failed write: it stays in memory and on screen,
            // and is written again with the next answer.
            needsResync = true
            if case .submit = effect { messages.append(.submitFailed) } else { messages.append(.saveFailed) }
        }
        return messages
    }

    /// Asks the database about a PIN typed at the staff prompt; nil means "leave", after auditing the exit.
    private func checkPIN(_ pin: String) throws -> KioskState.StaffRefusal? {
        switch try store.checkStaffPIN(pin, kiosk: kioskID) {
        case .accepted:
            try store.record(.kioskExit, user: kioskID, detail: "\(closedBy) by staff PIN")
            return nil
        case .notSet:
            guard allowNoPIN else { return .noPIN }
            try store.record(.kioskExit, user: kioskID, detail: "\(closedBy) without a PIN (--allow-no-pin)")
            return nil
        case .wrong(let seconds): return .wrong(retryAfter: seconds)
        case .locked(let until): return .locked(until: ClockText.localTime(until))
        }
    }
}
