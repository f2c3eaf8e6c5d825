# The two commands of the README. Each first makes sure the system libraries are there.
.PHONY: kiosk test deps bench

deps:
	@Scripts/install-deps

kiosk: deps
	swift run -c release intake kiosk

test: deps
	swift test

bench: deps
	swift run -c release intake-bench
