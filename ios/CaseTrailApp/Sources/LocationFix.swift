// Where the phone was when evidence was captured: one fix from CoreLocation, with its horizontal
// accuracy, as raw WGS-84 (`Location.fix(..., gcj02: false)`; CoreLocation does not shift to
// GCJ-02). When there is no fix the capture says why instead, in a stable code the core keeps
// as given: `permission_denied`, `permission_restricted` (parental or MDM restriction),
// `timeout` (no fix within the wait) or `unavailable` (location services off, no signal).
// Authorization is asked for "when in use" only, the first time a capture screen opens.

import CaseTrail
import CoreLocation

@MainActor
final class LocationFix: NSObject, CLLocationManagerDelegate {
    private let manager = CLLocationManager()
    private var continuation: CheckedContinuation<Location, Never>?
    private var timeout: Task<Void, Never>?

    /// One fix, or why there is none, within `seconds`.
    func take(within seconds: Double = 15) async -> Location {
        if continuation != nil {
            // One request at a time: a second caller gets an honest "no fix" rather than a hang.
            return .noFix(reason: "unavailable")
        }
        return await withCheckedContinuation { continuation in
            self.continuation = continuation
            manager.delegate = self
            manager.desiredAccuracy = kCLLocationAccuracyBest
            timeout = Task { [weak self] in
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                if !Task.isCancelled { self?.finish(.noFix(reason: "timeout")) }
            }
            proceed(manager.authorizationStatus)
        }
    }

    /// Asks, waits, or requests the fix, by where authorization stands.
    private func proceed(_ status: CLAuthorizationStatus) {
        guard continuation != nil else { return }
        switch status {
        case .notDetermined:
            manager.requestWhenInUseAuthorization()
        case .denied:
            finish(.noFix(reason: "permission_denied"))
        case .restricted:
            finish(.noFix(reason: "permission_restricted"))
        case .authorizedWhenInUse, .authorizedAlways:
            manager.requestLocation()
        @unknown default:
            finish(.noFix(reason: "unavailable"))
        }
    }

    private func finish(_ location: Location) {
        guard let continuation else { return }
        self.continuation = nil
        timeout?.cancel()
        timeout = nil
        manager.stopUpdatingLocation()
        continuation.resume(returning: location)
    }

    nonisolated func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        let status = manager.authorizationStatus
        Task { @MainActor in self.proceed(status) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        guard let last = locations.last else { return }
        // A negative accuracy means the coordinate is not valid.
        guard last.horizontalAccuracy >= 0 else {
            Task { @MainActor in self.finish(.noFix(reason: "unavailable")) }
            return
        }
        let fix = Location.fix(
            lat: last.coordinate.latitude, lon: last.coordinate.longitude,
            accuracyM: last.horizontalAccuracy, gcj02: false)
        Task { @MainActor in self.finish(fix) }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        let reason = (error as? CLError)?.code == .denied ? "permission_denied" : "unavailable"
        Task { @MainActor in self.finish(.noFix(reason: reason)) }
    }
}
