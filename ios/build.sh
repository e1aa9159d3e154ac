#!/usr/bin/env bash
# The one command that builds the iOS side on a Mac: the xcframework and Swift bindings from
# the Rust core (build-xcframework.sh), the package tests on macOS (`swift test`), the Xcode
# project from CaseTrailApp/project.yml (XcodeGen), and the app for the iOS simulator. Options
# are passed on to build-xcframework.sh; with --ios-only the macOS slice and the tests are
# skipped. Runs from any directory.
set -euo pipefail

ios_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v xcodegen >/dev/null 2>&1; then
  echo "error: 'xcodegen' not found: brew install xcodegen" >&2
  exit 1
fi

"$ios_dir/build-xcframework.sh" "$@"

case " $* " in
  *" --ios-only "*) ;;
  *)
    echo "==> swift test"
    swift test --package-path "$ios_dir"
    ;;
esac

echo "==> xcodegen"
xcodegen generate --spec "$ios_dir/CaseTrailApp/project.yml"

echo "==> xcodebuild: CaseTrailApp for the iOS simulator"
xcodebuild build \
  -project "$ios_dir/CaseTrailApp/CaseTrailApp.xcodeproj" \
  -scheme CaseTrailApp \
  -configuration Debug \
  -destination 'generic/platform=iOS Simulator' \
  -derivedDataPath "$ios_dir/build/DerivedData"

echo "done: $ios_dir/build/DerivedData/Build/Products/Debug-iphonesimulator/CaseTrailApp.app"
