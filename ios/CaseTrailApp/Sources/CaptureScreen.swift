// Capturing evidence for a case (and optionally one of its records): what activity it records,
// why, where, and which officer took it; then the camera, or a photo or video already on the
// phone. The core stores the original untouched, signs it, and makes a watermarked copy of a
// photo. Each captured item is listed with its hash; the refusal sheet uses the callback to
// link what was just filmed. Each capture carries where the phone was: a fresh GPS fix with its
// accuracy, or the reason there is none (`LocationFix`); the screen shows which.

import CaseTrail
import PhotosUI
import SwiftUI
import UniformTypeIdentifiers

@MainActor
final class CaptureModel: ObservableObject {
    private let core: CaseTrail
    let caseId: String
    let recordId: String?
    private let onCaptured: ((EvidenceView) -> Void)?
    @Published var activity: String
    @Published var purpose = ""
    @Published var address = ""
    @Published var capturedBy = ""
    @Published private(set) var officers: [OfficerView] = []
    /// The latest fix or why there is none; nil while locating.
    @Published private(set) var location: Location?
    private let locator: LocationFix
    private var fixing: Task<Location, Never>?
    private var fixedAt: Date?
    @Published private(set) var captured: [EvidenceView] = []
    @Published private(set) var busy = false
    @Published var problem: Problem?

    init(
        core: CaseTrail, caseId: String, recordId: String?, activity: String,
        onCaptured: ((EvidenceView) -> Void)?
    ) {
        self.core = core
        self.caseId = caseId
        self.recordId = recordId
        self.activity = activity
        self.onCaptured = onCaptured
        self.locator = LocationFix()
    }

    /// Starts taking a fix, unless one was taken within the last minute.
    func locate() {
        if let fixedAt, fixedAt.timeIntervalSinceNow > -60, fixing != nil { return }
        location = nil
        fixedAt = Date()
        let locator = self.locator
        fixing = Task { [weak self] in
            let found = await locator.take()
            self?.location = found
            return found
        }
    }

    func loadOfficers() async {
        locate()
        guard officers.isEmpty else { return }
        let (core, caseId) = (self.core, self.caseId)
        do {
            let (detail, enrolment) = try await offMain {
                (try core.caseDetail(caseId: caseId), try? core.enrolment())
            }
            officers = detail.officers
            if capturedBy.isEmpty, let me = officers.me(enrolledAs: enrolment?.officer) {
                capturedBy = me.certNo
            }
        } catch {
            problem = Problem(error)
        }
    }

    func capture(_ shot: CameraShot) async {
        switch shot {
        case .photo(let jpeg):
            await store(named: "") { core, input in
                try core.captureBytes(input: input, bytes: jpeg)
            }
        case .movie(let file):
            await store(named: file.lastPathComponent) { core, input in
                try core.captureFile(input: input, path: file.path)
            }
            try? FileManager.default.removeItem(at: file)
        case .unreadable:
            problem = Problem(MediaUnreadable())
        }
    }

    func importItem(_ item: PhotosPickerItem) async {
        do {
            if item.supportedContentTypes.contains(where: { $0.conforms(to: .movie) }) {
                let movie = try await item.loadTransferable(type: PickedMovie.self)
                await capture(movie.map { CameraShot.movie($0.url) } ?? .unreadable)
            } else {
                guard let bytes = try await item.loadTransferable(type: Data.self) else {
                    problem = Problem(MediaUnreadable())
                    return
                }
                // The library gives no file name; the core sniffs the content and names it.
                await store(named: "") { core, input in
                    try core.captureBytes(input: input, bytes: bytes)
                }
            }
        } catch {
            problem = Problem(error)
        }
    }

    private func store(
        named originalName: String,
        _ call: @escaping @Sendable (CaseTrail, CaptureInput) throws -> EvidenceView
    ) async {
        busy = true
        defer { busy = false }
        locate()
        let location = await fixing?.value
        let input = CaptureInput(
            caseId: caseId, recordId: recordId, kind: nil, activity: activity,
            purpose: purpose, capturedBy: capturedBy, location: location, address: address,
            originalName: originalName)
        let core = self.core
        do {
            let item = try await offMain { try call(core, input) }
            captured.append(item)
            onCaptured?(item)
        } catch {
            problem = Problem(error)
        }
    }
}

struct CaptureScreen: View {
    @StateObject private var model: CaptureModel
    @Environment(\.pickLists) private var pickLists
    @State private var showCamera = false
    @State private var pickerItem: PhotosPickerItem?
    @Environment(\.dismiss) private var dismiss

    init(
        core: CaseTrail, caseId: String, recordId: String?,
        activity: String = "onsite_inspection",
        onCaptured: ((EvidenceView) -> Void)? = nil
    ) {
        _model = StateObject(wrappedValue: CaptureModel(
            core: core, caseId: caseId, recordId: recordId, activity: activity,
            onCaptured: onCaptured))
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Picker("capture.activity", selection: $model.activity) {
                        ForEach(pickLists.activities, id: \.code) { choice in
                            Text(choice.label).tag(choice.code)
                        }
                    }
                    .pickerStyle(.navigationLink)
                    TextField("capture.purpose", text: $model.purpose)
                    TextField("capture.address", text: $model.address)
                    locationRow
                    officerField
                }
                Section {
                    if CameraPicker.isAvailable {
                        Button {
                            showCamera = true
                        } label: {
                            Label("capture.camera", systemImage: "camera")
                        }
                    }
                    PhotosPicker(
                        selection: $pickerItem, matching: .any(of: [.images, .videos]),
                        preferredItemEncoding: .current
                    ) {
                        Label("capture.library", systemImage: "photo.on.rectangle")
                    }
                }
                .disabled(model.busy || model.capturedBy.isEmpty)
                if model.busy {
                    ProgressView("capture.saving")
                }
                if !model.captured.isEmpty {
                    Section("capture.done") {
                        ForEach(model.captured, id: \.id) { item in
                            EvidenceRow(item: item)
                        }
                    }
                }
            }
            .navigationTitle("capture.title")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .confirmationAction) {
                    Button("common.done") { dismiss() }
                        .disabled(model.busy)
                }
            }
            .problemAlert($model.problem)
            .task { await model.loadOfficers() }
            .onChange(of: pickerItem) { item in
                guard let item else { return }
                pickerItem = nil
                Task { await model.importItem(item) }
            }
            .fullScreenCover(isPresented: $showCamera) {
                CameraPicker { shot in
                    Task { await model.capture(shot) }
                }
                .ignoresSafeArea()
            }
        }
    }

    @ViewBuilder
    private var locationRow: some View {
        switch model.location {
        case nil:
            Label("capture.location.locating", systemImage: "location")
                .foregroundColor(.secondary)
        case .fix(_, _, let accuracy, _)?:
            Label(
                CodeLabel.format("capture.location.fix", accuracy.map { String(Int($0.rounded())) } ?? "?"),
                systemImage: "location.fill")
        case .noFix(let reason)?:
            Label(
                CodeLabel.format("capture.location.none", CodeLabel.text("capture.location.reason", reason)),
                systemImage: "location.slash")
                .foregroundColor(.orange)
        }
    }

    @ViewBuilder
    private var officerField: some View {
        if model.officers.isEmpty {
            TextField("capture.officer", text: $model.capturedBy)
                .autocorrectionDisabled()
                .textInputAutocapitalization(.never)
        } else {
            Picker("capture.officer", selection: $model.capturedBy) {
                ForEach(model.officers, id: \.certNo) { officer in
                    Text(verbatim: "\(officer.name) \(officer.certNo)").tag(officer.certNo)
                }
            }
        }
    }
}
