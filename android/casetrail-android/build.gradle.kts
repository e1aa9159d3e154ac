// The Android library: the plain-Kotlin layer, JNA for Android, the core compiled for the phone's
// ABIs, and what only Android has (the Keystore-backed key vault, Logcat).
//
// `cargoNdk` cross-compiles the core with cargo-ndk (`cargo install cargo-ndk`, plus the Rust
// Android targets) into src/main/jniLibs, where the build picks it up; it runs before every
// build and cargo skips what is current.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

val repoRoot: File = rootDir.parentFile
val minSdkLevel = 26

android {
    namespace = "org.casetrail.android"
    compileSdk = 35
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = minSdkLevel
        consumerProguardFiles("consumer-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin { jvmToolchain(17) }

val cargoNdk by tasks.registering(Exec::class) {
    description = "Cross-compiles the core (casetrail-ffi, profile release-small) for the phone ABIs."
    workingDir = repoRoot
    commandLine(
        "cargo", "ndk",
        "-t", "arm64-v8a", "-t", "armeabi-v7a", "-t", "x86_64",
        "--platform", minSdkLevel.toString(),
        "-o", file("src/main/jniLibs").path,
        "build", "--profile", "release-small", "-p", "casetrail-ffi",
    )
    doFirst { environment("ANDROID_NDK_HOME", android.ndkDirectory.path) }
    outputs.upToDateWhen { false }
}

tasks.named("preBuild") { dependsOn(cargoNdk) }

dependencies {
    api(project(":casetrail-kotlin"))
    api(libs.jna) { artifact { type = "aar" } }
    api(libs.kotlinx.coroutines.android)
}
