/// Short intake codes that reception reads aloud or types, such as `K7P-W3X`.
///
/// The alphabet leaves out 0, O, 1, I and L, which look alike on receipts and screens, so a code
/// read from paper cannot be mistyped into another valid code by those confusions.
public enum IntakeCode {
    /// The 31 characters a code is made of.
    public static let alphabet: [Character] = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// The number of alphabet characters in a code (the dash is not counted).
    public static let length = 6

    /// Returns a fresh random code in its display form, `ABC-DEF`.
    ///
    /// 31⁶ ≈ 887 million codes make a collision rare; the store retries on the one that happens.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Returns a random code drawn with `generator`.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let characters = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        return display(characters)
    }

    /// Returns the display form of a code as someone typed it, or nil if it cannot be one.
    ///
    /// Case, spaces and dashes are forgiven (`abc def`, `ABCDEF`, `abc-def`), because reception
    /// types what the patient reads out.
    public static func normalized(_ typed: String) -> String? {
        let characters = typed.uppercased().filter { $0 != "-" && !$0.isWhitespace }
        guard characters.count == length, characters.allSatisfy(alphabet.contains) else { return nil }
        return display(Array(characters))
    }

    private static func display(_ characters: [Character]) -> String {
        String(characters[..<3]) + "-" + String(characters[3...])
    }
}
