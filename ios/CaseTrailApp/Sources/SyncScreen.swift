// Sync with the bureau's back office: what is still owed (and whether audio/video is getting
// late), enrolment with the one-time code, a sync run with its progress and a cancel button,
// and the journal check. Each way a sync can fail asks something different of the inspector:
// offline → nothing is lost, try again later; untrusted → a security alarm, stop and call the
// bureau; rejected → this device must be enrolled again; not enrolled → enrol first. The core
// says what happened in a short sentence of its own; the screen adds what to do about it.

import CaseTrail
import SwiftUI

/// One progress report, reduced to what the screen shows. Built on the core's thread, so it
/// holds only plain values.
struct SyncTick: Equatable, Sendable {
    let fraction: Double?
    let text: String

    init(_ progress: SyncProgress) {
        func ratio(_ done: UInt64, _ total: UInt64) -> Double? {
            total == 0 ? nil : min(1, Double(done) / Double(total))
        }
        func bytes(_ count: UInt64) -> String {
            ByteCountFormatter.string(fromByteCount: Int64(clamping: count), countStyle: .file)
        }
        switch progress {
        case .connecting:
            fraction = nil
            text = String(localized: "sync.progress.connecting")
        case .events(let done, let total):
            fraction = ratio(done, total)
            text = CodeLabel.format("sync.progress.events %@ %@", String(done), String(total))
        case .pulled(let count):
            fraction = nil
            text = CodeLabel.format("sync.progress.pulled %@", String(count))
        case .media(let done, let total, let filesDone, let filesTotal):
            fraction = ratio(done, total)
            text = CodeLabel.format(
                "sync.progress.media %@ %@ %@ %@",
                String(filesDone), String(filesTotal), bytes(done), bytes(total))
        case .waiting(let millis, _, let reasonLabel):
            fraction = nil
            text = CodeLabel.format("sync.progress.waiting %@ %@", String(max(1, millis / 1000)), reasonLabel)
        }
    }
}

/// The core's progress observer: called on the core's threads, hands each tick to `deliver`.
final class SyncRelay: SyncListener {
    private let deliver: @Sendable (SyncTick) -> Void

    init(_ deliver: @escaping @Sendable (SyncTick) -> Void) {
        self.deliver = deliver
    }

    func onProgress(progress: SyncProgress) {
        deliver(SyncTick(progress))
    }
}

@MainActor
final class SyncModel: ObservableObject {
    private let core: CaseTrail
    @Published private(set) var status: SyncStatusView?
    @Published private(set) var enrolment: EnrolmentView?
    @Published private(set) var running = false
    @Published private(set) var tick: SyncTick?
    @Published private(set) var lastReport: SyncReportView?
    @Published private(set) var verified: VerifyView?
    @Published var problem: Problem?
    @Published var metered = false
    @Published var url = ""
    @Published var code = ""
    @Published var caPem = ""
    @Published private(set) var enrolling = false
    private var token: CancelToken?

    init(core: CaseTrail) {
        self.core = core
    }

    /// Enrolment is offered when there is none, or when the back office asked for a new one.
    var needsEnrolment: Bool {
        if enrolment == nil { return true }
        switch problem?.kind {
        case .rejected?, .notEnrolled?: return true
        default: return false
        }
    }

    func refresh() async {
        let (core, metered) = (self.core, self.metered)
        do {
            let (status, enrolment) = try await offMain {
                (try core.syncStatus(metered: metered), try core.enrolment())
            }
            self.status = status
            self.enrolment = enrolment
        } catch {
            problem = Problem(error)
        }
    }

    func sync() {
        guard !running else { return }
        let token = CancelToken()
        self.token = token
        running = true
        tick = nil
        problem = nil
        // The relay holds the model only while this sync runs.
        let relay = SyncRelay { tick in
            Task { @MainActor in self.tick = tick }
        }
        let (core, metered) = (self.core, self.metered)
        Task {
            do {
                let report = try await core.sync(metered: metered, listener: relay, cancel: token)
                lastReport = report
                status = report.status
            } catch {
                problem = Problem(error)
            }
            running = false
            self.token = nil
            await refresh()
        }
    }

    func cancel() {
        token?.cancel()
    }

    func enrol() async {
        enrolling = true
        defer { enrolling = false }
        let pem = caPem.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            enrolment = try await core.enrol(
                url: url.trimmingCharacters(in: .whitespaces),
                code: code.trimmingCharacters(in: .whitespaces),
                caPem: pem.isEmpty ? nil : pem)
            problem = nil
            code = ""
            await refresh()
        } catch {
            problem = Problem(error)
        }
    }

    func retryWedged() async {
        let core = self.core
        do {
            _ = try await offMain { try core.retryWedged() }
            await refresh()
        } catch {
            problem = Problem(error)
        }
    }

    func verify() async {
        let core = self.core
        do {
            verified = try await offMain { try core.verifyJournal() }
        } catch {
            problem = Problem(error)
        }
    }
}

struct SyncScreen: View {
    @StateObject private var model: SyncModel

    init(core: CaseTrail) {
        _model = StateObject(wrappedValue: SyncModel(core: core))
    }

    var body: some View {
        List {
            if let problem = model.problem {
                problemSection(problem)
            }
            if model.needsEnrolment {
                enrolSection
            }
            if let enrolment = model.enrolment {
                Section("sync.enrolment") {
                    LabeledContent("sync.server", value: enrolment.url)
                    LabeledContent("sync.officer", value: enrolment.officer)
                }
            }
            runSection
            if let status = model.status {
                statusSection(status)
            }
            journalSection
        }
        .navigationTitle("sync.title")
        .onChange(of: model.metered) { _ in Task { await model.refresh() } }
        .refreshable { await model.refresh() }
        .task { await model.refresh() }
    }

    private func problemSection(_ problem: Problem) -> some View {
        Section {
            switch problem.kind {
            case .untrusted:
                VStack(alignment: .leading, spacing: 8) {
                    Label("sync.alarm.title", systemImage: "exclamationmark.shield.fill")
                        .font(.headline)
                        .foregroundColor(.red)
                    Text(problem.message)
                    Text("sync.alarm.body")
                }
            case .offline:
                VStack(alignment: .leading, spacing: 8) {
                    Label("sync.offline.title", systemImage: "wifi.slash").font(.headline)
                    Text(problem.message)
                    Text("sync.offline.body").font(.footnote).foregroundColor(.secondary)
                    Button("common.retry") { model.sync() }
                        .buttonStyle(.bordered)
                }
            case .rejected:
                VStack(alignment: .leading, spacing: 8) {
                    Label("sync.rejected.title", systemImage: "person.crop.circle.badge.xmark")
                        .font(.headline)
                        .foregroundColor(.orange)
                    Text("sync.rejected.body")
                    Text(problem.message).font(.footnote).foregroundColor(.secondary)
                }
            case .notEnrolled:
                Label(problem.message, systemImage: "link.badge.plus")
            case .cancelled:
                Label("sync.cancelled", systemImage: "stop.circle")
            default:
                ProblemRow(problem: problem)
            }
        }
    }

    private var enrolSection: some View {
        Section {
            TextField("sync.enrol.url", text: $model.url)
                .keyboardType(.URL)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
            TextField("sync.enrol.code", text: $model.code)
                .textInputAutocapitalization(.characters)
                .autocorrectionDisabled()
            TextField("sync.enrol.ca", text: $model.caPem, axis: .vertical)
                .font(.system(.caption, design: .monospaced))
                .lineLimit(3...8)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
            Button("sync.enrol.submit") { Task { await model.enrol() } }
                .disabled(model.enrolling || model.url.isEmpty || model.code.isEmpty)
        } header: {
            Text("sync.enrol.title")
        } footer: {
            Text("sync.enrol.footer")
        }
    }

    private var runSection: some View {
        Section {
            Toggle("sync.metered", isOn: $model.metered)
                .disabled(model.running)
            if model.running {
                VStack(alignment: .leading, spacing: 6) {
                    if let fraction = model.tick?.fraction {
                        ProgressView(value: fraction)
                    } else {
                        ProgressView()
                    }
                    Text(model.tick?.text ?? "").font(.caption).foregroundColor(.secondary)
                }
                Button("sync.cancel", role: .destructive) { model.cancel() }
            } else {
                Button("sync.start") { model.sync() }
                    .disabled(model.enrolment == nil)
            }
            if let report = model.lastReport {
                Text(CodeLabel.format(
                    "sync.report %@ %@ %@",
                    String(report.eventsAcked), String(report.pulled), String(report.mediaAcked)))
                    .font(.caption)
            }
        }
    }

    private func statusSection(_ status: SyncStatusView) -> some View {
        Section("sync.status") {
            LabeledContent("sync.status.events", value: String(status.eventsPending))
            LabeledContent(
                "sync.status.media",
                value: "\(status.mediaPending) · "
                    + ByteCountFormatter.string(
                        fromByteCount: Int64(clamping: status.mediaPendingBytes), countStyle: .file))
            if status.avState != "ok" {
                Label {
                    Text(CodeLabel.text("sync.av_state", status.avState))
                } icon: {
                    Image(systemName: "clock.badge.exclamationmark")
                        .foregroundColor(status.avState == "critical" ? Color.red : Color.orange)
                }
            }
            if let wedged = status.journalWedgedLabel {
                LabeledContent("sync.status.journal_wedged", value: wedged)
            }
            ForEach(status.mediaWedged, id: \.evidenceId) { file in
                LabeledContent("sync.status.file_wedged", value: file.reasonLabel)
            }
            if status.journalWedged != nil || !status.mediaWedged.isEmpty {
                Button("sync.retry_wedged") { Task { await model.retryWedged() } }
            }
            if status.incidents > 0 {
                LabeledContent("sync.status.incidents", value: String(status.incidents))
            }
            if status.complete {
                Label("sync.status.complete", systemImage: "checkmark.circle")
                    .foregroundColor(.green)
            }
        }
    }

    private var journalSection: some View {
        Section("sync.journal") {
            Button("sync.journal.verify") { Task { await model.verify() } }
            if let verified = model.verified {
                if verified.sound {
                    Label(
                        CodeLabel.format("sync.journal.sound %@", String(verified.events)),
                        systemImage: "checkmark.seal")
                        .foregroundColor(.green)
                } else {
                    Label("sync.journal.defects", systemImage: "xmark.seal")
                        .foregroundColor(.red)
                    ForEach(verified.defects, id: \.self) { defect in
                        Text(verbatim: defect).font(.caption.monospaced())
                    }
                }
            }
        }
    }
}
