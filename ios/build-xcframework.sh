#!/usr/bin/env bash
# Builds the Rust core for iOS and packages it for Swift: static libraries for the device
# (arm64), the simulator (arm64 + x86_64, merged with lipo) and, unless --ios-only, macOS
# (arm64 + x86_64, for `swift test`); then generates the Swift bindings with the repository's
# own uniffi-bindgen (the crate casetrail-uniffi-bindgen, pinned to the library's uniffi; a
# host tool built on its own, so it does not rebuild the library), and assembles
# ios/CaseTrailFFI.xcframework plus ios/Sources/CaseTrail/CaseTrail.swift, which Package.swift
# uses. Needs macOS with Xcode 15.3 or later, rustup, cmake and nasm (libjpeg-turbo is built
# from source; nasm gives it its x86-64 SIMD). Runs from any directory.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: ios/build-xcframework.sh [--ios-only]
  --ios-only   skip the macOS slice (the app builds without it; `swift test` needs it)
EOF
}

with_macos=1
for arg in "$@"; do
  case "$arg" in
    --ios-only) with_macos=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "error: '$1' not found: $2" >&2
    exit 1
  fi
}
need rustup "install Rust with rustup (https://rustup.rs)"
need cargo "install Rust with rustup (https://rustup.rs)"
need xcodebuild "install Xcode 15.3 or later and run 'xcode-select -s /Applications/Xcode.app'"
need lipo "install the Xcode command line tools"
need cmake "brew install cmake"
need nasm "brew install nasm"

ios_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$ios_dir/.." && pwd)"
cd "$repo"

profile=release-small
lib=libcasetrail_ffi.a
staging="$repo/target/ios-xcframework"
xcframework="$ios_dir/CaseTrailFFI.xcframework"

# The C parts (SQLite, libjpeg-turbo, ring) and rustc must agree on the minimum OS versions,
# or the linker warns about objects built for a newer OS than the app.
export IPHONEOS_DEPLOYMENT_TARGET=16.0
export MACOSX_DEPLOYMENT_TARGET=13.0

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
if [ "$with_macos" = 1 ]; then
  targets+=(aarch64-apple-darwin x86_64-apple-darwin)
fi

rustup target add "${targets[@]}"
for target in "${targets[@]}"; do
  echo "==> cargo build --target $target"
  cargo build -p casetrail-ffi --profile "$profile" --target "$target"
done

built() { echo "$repo/target/$1/$profile/$lib"; }

rm -rf "$staging"
mkdir -p "$staging/headers" "$staging/swift" "$staging/ios-simulator" "$staging/macos"

echo "==> lipo: simulator (arm64 + x86_64)"
lipo -create "$(built aarch64-apple-ios-sim)" "$(built x86_64-apple-ios)" \
  -output "$staging/ios-simulator/$lib"
if [ "$with_macos" = 1 ]; then
  echo "==> lipo: macOS (arm64 + x86_64)"
  lipo -create "$(built aarch64-apple-darwin)" "$(built x86_64-apple-darwin)" \
    -output "$staging/macos/$lib"
fi

echo "==> uniffi-bindgen: Swift"
cargo run -q -p casetrail-uniffi-bindgen -- \
  generate --library "$(built aarch64-apple-ios)" --language swift --no-format \
  --out-dir "$staging/swift"

# Xcode looks for a module map named module.modulemap beside the headers.
cp "$staging/swift/casetrailFFI.h" "$staging/headers/"
cp "$staging/swift/casetrailFFI.modulemap" "$staging/headers/module.modulemap"

echo "==> xcodebuild -create-xcframework"
slices=(
  -library "$(built aarch64-apple-ios)" -headers "$staging/headers"
  -library "$staging/ios-simulator/$lib" -headers "$staging/headers"
)
if [ "$with_macos" = 1 ]; then
  slices+=(-library "$staging/macos/$lib" -headers "$staging/headers")
fi
rm -rf "$xcframework"
xcodebuild -create-xcframework "${slices[@]}" -output "$xcframework"

mkdir -p "$ios_dir/Sources/CaseTrail"
cp "$staging/swift/CaseTrail.swift" "$ios_dir/Sources/CaseTrail/CaseTrail.swift"

echo "done: ios/CaseTrailFFI.xcframework, ios/Sources/CaseTrail/CaseTrail.swift"
