import Foundation
import Testing
@testable import IntakeModel

/// The JSON reader is strict RFC 8259, checked against the whole JSONTestSuite corpus (vendored, MIT).
struct JSONStrictnessTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("JSONTestSuite/test_parsing")

    static func files(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    static func accepts(_ name: String) -> Bool {
        let data = (try? Data(contentsOf: corpus.appendingPathComponent(name))) ?? Data()
        return (try? JSONValue.parse(data)) != nil
    }

    /// `y_` files intake rejects on purpose: RFC 8259 only says names SHOULD be unique; a clinical
    /// record with two values for one key has no single meaning.
    static let rejectedOnPurpose: Set<String> = ["y_object_duplicated_key.json", "y_object_duplicated_key_and_value.json"]

    /// What intake does with each implementation-defined `i_` file: true accepted, false rejected.
    /// Invalid UTF-8, lone surrogates and numbers beyond a Double are refused; a UTF-8 BOM and deep
    /// nesting up to 256 levels are accepted.
    static let implementationDefined: [String: Bool] = [
        "i_number_double_huge_neg_exp.json": true, "i_number_huge_exp.json": false,
        "i_number_neg_int_huge_exp.json": false, "i_number_pos_double_huge_exp.json": false,
        "i_number_real_neg_overflow.json": false, "i_number_real_pos_overflow.json": false,
        "i_number_real_underflow.json": true, "i_number_too_big_neg_int.json": true,
        "i_number_too_big_pos_int.json": true, "i_number_very_big_negative_int.json": true,
        "i_object_key_lone_2nd_surrogate.json": false,
        "i_string_1st_surrogate_but_2nd_missing.json": false, "i_string_1st_valid_surrogate_2nd_invalid.json": false,
        "i_string_UTF-16LE_with_BOM.json": false, "i_string_UTF-8_invalid_sequence.json": false,
        "i_string_UTF8_surrogate_U+D800.json": false, "i_string_incomplete_surrogate_and_escape_valid.json": false,
        "i_string_incomplete_surrogate_pair.json": false, "i_string_incomplete_surrogates_escape_valid.json": false,
        "i_string_invalid_lonely_surrogate.json": false, "i_string_invalid_surrogate.json": false,
        "i_string_invalid_utf-8.json": false, "i_string_inverted_surrogates_U+1D11E.json": false,
        "i_string_iso_latin_1.json": false, "i_string_lone_second_surrogate.json": false,
        "i_string_lone_utf8_continuation_byte.json": false, "i_string_not_in_unicode_range.json": false,
        "i_string_overlong_sequence_2_bytes.json": false, "i_string_overlong_sequence_6_bytes.json": false,
        "i_string_overlong_sequence_6_bytes_null.json": false, "i_string_truncated-utf-8.json": false,
        "i_string_utf16BE_no_BOM.json": false, "i_string_utf16LE_no_BOM.json": false,
        "i_structure_500_nested_arrays.json": false, "i_structure_UTF-8_BOM_empty_object.json": true,
    ]

    @Test func theCorpusIsThere() {
        #expect(Self.files("y_").count >= 95)
        #expect(Self.files("n_").count >= 188)
        #expect(Self.files("i_").count == Self.implementationDefined.count)
    }

    @Test func everyValidDocumentIsAccepted() {
        let refused = Self.files("y_").filter { !Self.rejectedOnPurpose.contains($0) && !Self.accepts($0) }
        #expect(refused.isEmpty, "refused: \(refused)")
        #expect(Self.rejectedOnPurpose.allSatisfy { !Self.accepts($0) })
    }

    @Test func everyInvalidDocumentIsRejected() {
        let accepted = Self.files("n_").filter(Self.accepts)
        #expect(accepted.isEmpty, "accepted: \(accepted)")
    }

    @Test func implementationDefinedDocumentsDoWhatIsDocumented() {
        for name in Self.files("i_") {
            #expect(Self.accepts(name) == Self.implementationDefined[name], "\(name)")
        }
    }

    @Test(arguments: [
        ("[01]", "leading zeros"), ("[1.]", "follow '.'"), ("[.5]", "unexpected character"), ("[2.e3]", "follow '.'"),
        ("[1e]", "exponent"), ("[-]", "follow '-'"), (#"{"a":1,"a":2}"#, "appears twice"), (#"["\ud800"]"#, "lone high surrogate"),
        (#"["\udc00"]"#, "lone low surrogate"), ("[\"a\u{01}b\"]", "control character"), ("[1e400]", "out of range"),
    ])
    func mistakesAreNamedWithLineAndColumn(_ text: String, _ mention: String) {
        do {
            _ = try JSONValue.parse(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(mention), "\(error)")
            #expect(error.line == 1 && error.column >= 1)
        }
    }

    @Test func theWriterNeverWritesInfinityOrNaN() {
        let text = JSONValue.array([.number(.infinity), .number(-.infinity), .number(.nan), .number(2.5)]).serialized()
        #expect(text == "[null,null,null,2.5]")
        #expect((try? JSONValue.parse(Array(text.utf8))) != nil)
    }
}
