#!/usr/bin/env python3
"""An independent check of intake's FHIR: nothing here shares code with the Swift program.

    check.py --questionnaire Q.json [--codesystem CS.json] FILE...

Every FILE is a FHIR JSON resource (a Bundle, a QuestionnaireResponse, ...) or FHIR Bulk Data
NDJSON (one resource a line). Each resource is parsed with the `fhir.resources` R4B models
(pydantic: types, cardinalities, required elements), the Questionnaire and CodeSystem too, and
every QuestionnaireResponse is checked against the Questionnaire with the HL7 validator's
response-vs-Questionnaire rules:

- each linkId exists in the Questionnaire, under the same parent, in Questionnaire order, once;
- answers have the item's type (boolean, choice -> valueCoding, date, string/text, integer,
  decimal); a group or display item has no answer; a non-repeating item has at most one;
- a coding is one of the item's answerOptions, `system` and `code` both (and `display`, if
  given, the option's);
- enableWhen (exists, =, !=, <, >, <=, >=; enableBehavior all/any; a disabled parent disables
  its children) is respected: a disabled item carries no answer;
- the status is in its required value set; when it is completed or amended, every enabled
  required item is answered;
- maxLength of strings.

Inside a Bundle every reference must resolve to an entry's fullUrl, and `request` appears on
every entry of a transaction and on none of a collection.

Prints one line per problem and a summary; exits 0 when there is none, 1 otherwise, 3 when
fhir.resources cannot be imported.
"""
import argparse
import json
import sys

try:
    from fhir.resources.R4B import get_fhir_model_class
except Exception as error:  # noqa: BLE001 - any import failure means the validator is missing
    print(f"check.py: cannot import fhir.resources.R4B ({error}); pip install fhir.resources", file=sys.stderr)
    sys.exit(3)

VALUE_KEY = {
    "boolean": "valueBoolean", "choice": "valueCoding", "date": "valueDate", "string": "valueString",
    "text": "valueString", "integer": "valueInteger", "decimal": "valueDecimal", "dateTime": "valueDateTime",
    "time": "valueTime", "url": "valueUri", "quantity": "valueQuantity", "attachment": "valueAttachment",
    "reference": "valueReference", "open-choice": None,
}

problems = []
checked = {"resources": 0, "responses": 0, "bundles": 0}


def problem(where, message):
    problems.append(f"{where}: {message}")


def parse_model(resource, where):
    """Parses with the fhir.resources R4B model of its resourceType."""
    kind = resource.get("resourceType") if isinstance(resource, dict) else None
    if not kind:
        problem(where, "not a FHIR resource (no resourceType)")
        return
    try:
        model = get_fhir_model_class(kind)
    except Exception as error:  # noqa: BLE001
        problem(where, f"unknown resourceType {kind!r} ({error})")
        return
    try:
        if hasattr(model, "model_validate"):
            model.model_validate(resource)
        else:
            model.parse_obj(resource)
    except Exception as error:  # noqa: BLE001 - pydantic's ValidationError and friends
        text = " ".join(str(error).split())
        problem(where, f"{kind} does not parse as FHIR R4B: {text[:600]}")
    checked["resources"] += 1


class Questionnaire:
    def __init__(self, resource):
        self.resource = resource
        self.url = resource.get("url")
        self.version = resource.get("version")
        self.items = {}
        self.parent = {}
        self.order = {}

        def walk(items, parent):
            for item in items or []:
                link = item["linkId"]
                self.items[link] = item
                self.parent[link] = parent
                self.order[link] = len(self.order)
                walk(item.get("item"), link)

        walk(resource.get("item"), None)


def answers_of(response_items):
    """linkId -> list of answer objects, over the whole response."""
    found = {}

    def walk(items):
        for item in items or []:
            found.setdefault(item.get("linkId"), []).extend(item.get("answer") or [])
            walk(item.get("item"))
            for answer in item.get("answer") or []:
                walk(answer.get("item"))

    walk(response_items)
    return found


def answer_value(answer):
    for key, value in answer.items():
        if key.startswith("value"):
            return key, value
    return None, None


def same_value(key, value, condition):
    """Whether an answer equals an enableWhen's answer[x]."""
    for ckey, cvalue in condition.items():
        if not ckey.startswith("answer"):
            continue
        if ckey == "answerCoding":
            return key == "valueCoding" and value.get("code") == cvalue.get("code") and \
                value.get("system") == cvalue.get("system")
        return key == "value" + ckey[len("answer"):] and value == cvalue
    return False


def compare(key, value, condition, op):
    for ckey, cvalue in condition.items():
        if ckey.startswith("answer") and ckey != "answerCoding" and key == "value" + ckey[len("answer"):]:
            try:
                return {"<": value < cvalue, ">": value > cvalue, "<=": value <= cvalue, ">=": value >= cvalue}[op]
            except TypeError:
                return False
    return False


def enabled(link, q, answers, memo):
    if link in memo:
        return memo[link]
    memo[link] = True  # cycles count as enabled; the Questionnaire check reports them
    item = q.items[link]
    parent = q.parent[link]
    result = True
    if parent is not None and not enabled(parent, q, answers, memo):
        result = False
    elif item.get("enableWhen"):
        results = []
        for condition in item["enableWhen"]:
            question = condition.get("question")
            given = answers.get(question, []) if question in q.items and enabled(question, q, answers, memo) else []
            op = condition.get("operator")
            if op == "exists":
                results.append(bool(given) == bool(condition.get("answerBoolean")))
            elif op == "=":
                results.append(any(same_value(*answer_value(a), condition) for a in given))
            elif op == "!=":
                results.append(bool(given) and not any(same_value(*answer_value(a), condition) for a in given))
            else:
                results.append(any(compare(*answer_value(a), condition, op) for a in given))
        behavior = item.get("enableBehavior", "all")
        result = any(results) if behavior == "any" else all(results)
    memo[link] = result
    return result


def check_response(response, q, where):
    checked["responses"] += 1
    canonical = response.get("questionnaire", "")
    url, _, version = canonical.partition("|")
    if url != q.url:
        problem(where, f"questionnaire {canonical!r} is not {q.url}")
        return
    if version and version != q.version:
        problem(where, f"questionnaire version {version} is not the checked one ({q.version})")
    answers = answers_of(response.get("item"))
    memo = {}
    status = response.get("status")
    if status not in ("in-progress", "completed", "amended", "entered-in-error", "stopped"):
        problem(where, f"status \"{status}\" is not in the QuestionnaireResponse status value set")

    def walk(items, parent, path):
        last = -1
        seen = set()
        for i, item in enumerate(items or []):
            link = item.get("linkId")
            here = f"{path}.item[{i}] ({link})"
            definition = q.items.get(link)
            if definition is None:
                problem(here, "linkId is not in the Questionnaire")
                continue
            if q.parent[link] != parent:
                problem(here, f"is under {parent!r}, the Questionnaire has it under {q.parent[link]!r}")
            if link in seen and not definition.get("repeats"):
                problem(here, "appears more than once")
            seen.add(link)
            if q.order[link] < last:
                problem(here, "is out of the Questionnaire's order")
            last = q.order[link]
            kind = definition.get("type")
            given = item.get("answer") or []
            if given and kind in ("group", "display"):
                problem(here, f"a {kind} item has an answer")
            if len(given) > 1 and not definition.get("repeats"):
                problem(here, f"{len(given)} answers to an item that does not repeat")
            if given and not enabled(link, q, answers, memo):
                problem(here, "has an answer, but the item is not enabled (enableWhen)")
            for j, answer in enumerate(given):
                key, value = answer_value(answer)
                at = f"{here}.answer[{j}]"
                expected = VALUE_KEY.get(kind)
                if expected and key != expected:
                    problem(at, f"a {kind} item needs {expected}, found {key}")
                    continue
                if kind == "choice":
                    options = [o.get("valueCoding", {}) for o in definition.get("answerOption", [])]
                    match = [o for o in options if o.get("code") == value.get("code") and o.get("system") == value.get("system")]
                    if not match:
                        problem(at, f"coding {value.get('system')}#{value.get('code')} is not among the options "
                                    f"(system and code) of {link}")
                    elif "display" in value and "display" in match[0] and value["display"] != match[0]["display"]:
                        problem(at, f"display {value['display']!r} is not the option's {match[0]['display']!r}")
                if kind in ("string", "text") and definition.get("maxLength") and len(value) > definition["maxLength"]:
                    problem(at, f"longer than maxLength {definition['maxLength']}")
                walk(answer.get("item"), link, at)
            walk(item.get("item"), link, here)

    walk(response.get("item"), None, where)

    if status in ("completed", "amended"):
        for link, definition in q.items.items():
            if definition.get("required") and definition.get("type") not in ("group", "display") \
                    and enabled(link, q, answers, memo) and not answers.get(link):
                problem(where, f"status {status}, but the required item {link} is enabled and unanswered")


def references(value, found):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                found.append(inner)
            else:
                references(inner, found)
    elif isinstance(value, list):
        for inner in value:
            references(inner, found)


def check_resource(resource, q, where):
    parse_model(resource, where)
    kind = resource.get("resourceType")
    if kind == "Bundle":
        checked["bundles"] += 1
        entries = resource.get("entry") or []
        urls = {e.get("fullUrl") for e in entries}
        transaction = resource.get("type") in ("transaction", "batch")
        for i, entry in enumerate(entries):
            at = f"{where}.entry[{i}]"
            if transaction and not entry.get("request"):
                problem(at, "a transaction entry has no request")
            if not transaction and entry.get("request"):
                problem(at, f"a {resource.get('type')} entry has a request")
            found = []
            references(entry.get("resource"), found)
            for reference in found:
                if reference.startswith("urn:uuid:") and reference not in urls:
                    problem(at, f"reference {reference} is not an entry of the Bundle")
            inner = entry.get("resource") or {}
            if inner.get("resourceType") == "QuestionnaireResponse":
                check_response(inner, q, f"{at}.resource")
    elif kind == "QuestionnaireResponse":
        check_response(resource, q, where)


def load(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".ndjson"):
        return [(f"{path}:{n + 1}", json.loads(line)) for n, line in enumerate(text.splitlines()) if line.strip()]
    return [(path, json.loads(text))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questionnaire", required=True)
    parser.add_argument("--codesystem")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()

    [(qpath, qresource)] = load(args.questionnaire)
    parse_model(qresource, qpath)
    q = Questionnaire(qresource)
    if args.codesystem:
        [(cpath, cs)] = load(args.codesystem)
        parse_model(cs, cpath)
        codes = {c.get("code") for c in cs.get("concept", [])}
        for link, item in q.items.items():
            for option in item.get("answerOption", []):
                coding = option.get("valueCoding", {})
                if coding.get("system") != cs.get("url"):
                    problem(f"{qpath} ({link})", f"option system {coding.get('system')} is not the CodeSystem {cs.get('url')}")
                elif coding.get("code") not in codes:
                    problem(f"{qpath} ({link})", f"option code {coding.get('code')} is not in the CodeSystem")
            for condition in item.get("enableWhen", []):
                coding = condition.get("answerCoding")
                if coding is not None and coding.get("system") != cs.get("url"):
                    problem(f"{qpath} ({link}).enableWhen", f"answerCoding has system {coding.get('system')}")
    for path in args.files:
        try:
            documents = load(path)
        except (OSError, ValueError) as error:
            problem(path, f"cannot read ({error})")
            continue
        for where, resource in documents:
            check_resource(resource, q, where)

    for line in problems:
        print(line)
    print(f"check.py: {checked['resources']} resources parsed ({checked['bundles']} bundles, "
          f"{checked['responses']} responses checked against the Questionnaire), {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
