// The app's entry point and composition root. It opens the device's workspace once (off the
// main thread: SQLite and the Keychain) and reads the core's pick-lists with it, forwards the
// core's logs to the unified log, and then shows two tabs: the cases, and sync with the back
// office. If the workspace cannot be opened (the Keychain is locked before first unlock,
// storage is full) the reason is shown with a retry, never a crash.

import CaseTrail
import SwiftUI

@main
struct InspectorApp: App {
    @StateObject private var app = AppModel()

    var body: some Scene {
        WindowGroup {
            RootScreen(app: app)
        }
    }
}

/// Opens the workspace and holds it for the screens.
@MainActor
final class AppModel: ObservableObject {
    enum Phase {
        case opening
        case ready(CaseTrail, PickLists)
        case failed(Problem)
    }

    @Published private(set) var phase: Phase = .opening

    /// The core's language follows the language iOS chose for the app's own strings.
    static var coreLanguage: String {
        Bundle.main.preferredLocalizations.first?.hasPrefix("en") == true ? "en" : "zh"
    }

    func open() async {
        phase = .opening
        let lang = Self.coreLanguage
        do {
            _ = setLogSink(sink: OSLogSink(), max: .info)
            let (core, lists) = try await offMain { () throws -> (CaseTrail, PickLists) in
                let opened = try CaseTrail.openOnDevice(lang: lang)
                let lists = try PickLists(core: opened)
                return (opened, lists)
            }
            phase = .ready(core, lists)
        } catch {
            phase = .failed(Problem(error))
        }
    }
}

struct RootScreen: View {
    @ObservedObject var app: AppModel

    var body: some View {
        Group {
            switch app.phase {
            case .opening:
                ProgressView("app.opening")
            case .failed(let problem):
                VStack(spacing: 16) {
                    ProblemRow(problem: problem)
                    Button("common.retry") { Task { await app.open() } }
                        .buttonStyle(.borderedProminent)
                }
                .padding()
            case .ready(let core, let lists):
                TabView {
                    NavigationStack { CaseListScreen(core: core) }
                        .tabItem { Label("tab.cases", systemImage: "folder") }
                    NavigationStack { SyncScreen(core: core) }
                        .tabItem { Label("tab.sync", systemImage: "arrow.triangle.2.circlepath") }
                }
                .environment(\.pickLists, lists)
            }
        }
        .task {
            if case .opening = app.phase { await app.open() }
        }
    }
}
