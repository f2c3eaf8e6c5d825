# The two commands of the README. Each first makes sure the system libraries are there.
.PHONY: kiosk test deps bench

deps:
	@Scripts/install-deps

# intake-pdf, which intake runs beside itself to print a summary, is built with it.
kiosk: deps
	swift build -c release --product intake-pdf
	swift run -c release intake kiosk

# The printing tests use a private CUPS queue where the machine allows one (root, Debian's
# cups-daemon); elsewhere they run against Scripts/fake-lp and the real-CUPS ones are skipped.
test: deps
	@eval "$$(Scripts/cups-test-queue --env 2>/dev/null || true)"; swift test; status=$$?; \
	  Scripts/cups-test-queue --stop >/dev/null 2>&1 || true; exit $$status

bench: deps
	swift run -c release intake-bench
