// The system camera, for photos and videos taken there and then (the regulation wants the
// refusal to sign, the leaving of a document and the inspection itself on record). A photo
// arrives as JPEG bytes; a video as a file that UIKit deletes when the delegate returns, so it
// is copied to our own temporary file first. Photos already on the phone come in through
// PhotosPicker instead (see CaptureScreen), which also serves the simulator, where there is no
// camera.

import CoreTransferable
import SwiftUI
import UIKit
import UniformTypeIdentifiers

/// What the camera produced.
enum CameraShot {
    case photo(Data)
    case movie(URL)
    /// The camera returned something that could not be read or copied.
    case unreadable
}

/// A photo or video that could not be read; shown like any other failure.
struct MediaUnreadable: LocalizedError {
    var errorDescription: String? { String(localized: "capture.unreadable") }
}

/// `UIImagePickerController` with the camera, photo or video.
struct CameraPicker: UIViewControllerRepresentable {
    let onShot: (CameraShot) -> Void
    @Environment(\.dismiss) private var dismiss

    static var isAvailable: Bool {
        UIImagePickerController.isSourceTypeAvailable(.camera)
    }

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = .camera
        picker.mediaTypes = [UTType.image.identifier, UTType.movie.identifier]
        picker.videoQuality = .typeHigh
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ picker: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator {
        Coordinator(onShot: onShot, dismiss: { dismiss() })
    }

    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        private let onShot: (CameraShot) -> Void
        private let dismiss: () -> Void

        init(onShot: @escaping (CameraShot) -> Void, dismiss: @escaping () -> Void) {
            self.onShot = onShot
            self.dismiss = dismiss
        }

        func imagePickerController(
            _ picker: UIImagePickerController,
            didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
        ) {
            if let movie = info[.mediaURL] as? URL {
                onShot(TemporaryFile.copy(of: movie).map(CameraShot.movie) ?? .unreadable)
            } else if let image = info[.originalImage] as? UIImage,
                      let jpeg = image.jpegData(compressionQuality: 0.92) {
                onShot(.photo(jpeg))
            } else {
                onShot(.unreadable)
            }
            dismiss()
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            dismiss()
        }
    }
}

/// A video picked from the library, copied to a temporary file we own.
struct PickedMovie: Transferable {
    let url: URL

    static var transferRepresentation: some TransferRepresentation {
        FileRepresentation(contentType: .movie) { movie in
            SentTransferredFile(movie.url)
        } importing: { received in
            guard let copy = TemporaryFile.copy(of: received.file) else {
                throw CocoaError(.fileWriteUnknown)
            }
            return PickedMovie(url: copy)
        }
    }
}

/// Temporary copies of media on their way into the core, which keeps its own copy.
enum TemporaryFile {
    static func copy(of source: URL) -> URL? {
        let target = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString)
            .appendingPathExtension(source.pathExtension)
        do {
            try FileManager.default.copyItem(at: source, to: target)
            return target
        } catch {
            return nil
        }
    }
}
