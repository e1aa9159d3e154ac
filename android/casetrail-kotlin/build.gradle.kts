// The app's plain-Kotlin layer: the uniffi-generated bindings (org.casetrail), the repository,
// the view-models and the error mapping. No Android here, so it builds and tests on any JVM.
//
// The bindings are generated, not committed: `generateBindings` builds the core library for this
// computer and runs the workspace's own uniffi-bindgen on it (the crate casetrail-uniffi-bindgen,
// pinned to the library's uniffi; the library carries the interface metadata), writing into
// build/generated/uniffi. The same library serves the JVM tests.
plugins {
    alias(libs.plugins.kotlin.jvm)
}

val repoRoot: File = rootDir.parentFile
val hostDebug: File = repoRoot.resolve("target/debug")
val hostLibrary: File = hostDebug.resolve(System.mapLibraryName("casetrail_ffi"))
val generatedBindings = layout.buildDirectory.dir("generated/uniffi/kotlin")

val cargoBuildHost by tasks.registering(Exec::class) {
    description = "Builds the core library and the casetrail CLI for this computer."
    workingDir = repoRoot
    commandLine("cargo", "build", "-p", "casetrail-ffi", "-p", "casetrail")
    // Cargo knows what changed; let it decide every time.
    outputs.upToDateWhen { false }
}

val generateBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings (package org.casetrail) from the core library."
    dependsOn(cargoBuildHost)
    workingDir = repoRoot
    inputs.file(hostLibrary)
    outputs.dir(generatedBindings)
    commandLine(
        "cargo", "run", "-q", "-p", "casetrail-uniffi-bindgen", "--",
        "generate", "--library", hostLibrary.path, "--language", "kotlin", "--no-format",
        "--out-dir", generatedBindings.get().asFile.path,
    )
}

kotlin {
    jvmToolchain(17)
    sourceSets.named("main") { kotlin.srcDir(generateBindings) }
}

dependencies {
    api(libs.kotlinx.coroutines.core)
    // Android takes JNA as an @aar (with its natives) from :casetrail-android; the JVM takes the jar.
    compileOnly(libs.jna)
    testImplementation(libs.jna)
    testImplementation(libs.kotlin.test)
}

// The tests run from a plain main (see src/test/.../TestMain.kt) against the real core library.
val jvmTest by tasks.registering(JavaExec::class) {
    description = "Runs the view-model tests against the core library built for this computer."
    group = "verification"
    dependsOn(cargoBuildHost)
    classpath = sourceSets["test"].runtimeClasspath
    mainClass.set("org.casetrail.client.TestMainKt")
    systemProperty("jna.library.path", hostDebug.path)
    environment("FIXTURES", repoRoot.resolve("tests/fixtures").path)
    environment("CASETRAIL_BIN", hostDebug.resolve("casetrail").path)
}

tasks.named("check") { dependsOn(jvmTest) }
