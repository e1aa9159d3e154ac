// casetrail's Android app: the plain-Kotlin layer over the Rust core, the Android library that
// packages the native core with a Keystore-backed vault, and the Compose app.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "casetrail-android"
include(":casetrail-kotlin", ":casetrail-android", ":app")
