// The handwritten signature pad. The core keeps the strokes themselves as evidence (points
// with their times, not just a picture), renders the image, and checks them: at least one
// point, times not going backwards within a stroke, points on the pad. So the pad records
// every touch point with the milliseconds since the first touch, clamped to its own bounds,
// and hands the core the pad's size with them. A finger has no pressure; the core is told 1.

import CaseTrail
import SwiftUI
import UIKit

/// The strokes drawn so far on one pad.
@MainActor
final class PadInk: ObservableObject {
    @Published private(set) var strokes: [[PadPoint]] = []
    private(set) var size: CGSize = .zero
    private var drawing = false
    private var firstTouch: Date?

    var isEmpty: Bool { strokes.isEmpty }

    func touch(at location: CGPoint, time: Date, in size: CGSize) {
        self.size = size
        let start = firstTouch ?? time
        firstTouch = start
        var millis = UInt32(clamping: Int((max(0, time.timeIntervalSince(start)) * 1000).rounded()))
        if drawing, let last = strokes.last?.last {
            millis = max(millis, last.tMs)
        }
        let point = PadPoint(
            x: Float(min(max(location.x, 0), size.width)),
            y: Float(min(max(location.y, 0), size.height)),
            tMs: millis,
            pressure: 1)
        if drawing, !strokes.isEmpty {
            strokes[strokes.count - 1].append(point)
        } else {
            strokes.append([point])
            drawing = true
        }
    }

    func lift() {
        drawing = false
    }

    func clear() {
        strokes = []
        drawing = false
        firstTouch = nil
    }

    /// What was drawn, for the core; nil while nothing is.
    var padStrokes: PadStrokes? {
        guard !strokes.isEmpty, size.width >= 1, size.height >= 1 else { return nil }
        return PadStrokes(
            width: UInt32(size.width.rounded()),
            height: UInt32(size.height.rounded()),
            strokes: strokes)
    }
}

/// A pad to sign on with a finger or a pencil. Put it where nothing scrolls (not in a `Form`),
/// or the scroll view takes the strokes.
struct SignaturePad: View {
    @ObservedObject var ink: PadInk

    var body: some View {
        let strokes = ink.strokes
        return GeometryReader { geometry in
            Canvas { context, _ in
                func point(_ p: PadPoint) -> CGPoint {
                    CGPoint(x: CGFloat(p.x), y: CGFloat(p.y))
                }
                for stroke in strokes {
                    guard let first = stroke.first else { continue }
                    var path = Path()
                    path.move(to: point(first))
                    for next in stroke.dropFirst() {
                        path.addLine(to: point(next))
                    }
                    if stroke.count == 1 {
                        path.addLine(to: point(first))
                    }
                    context.stroke(
                        path, with: .color(.primary),
                        style: StrokeStyle(lineWidth: 2.5, lineCap: .round, lineJoin: .round))
                }
            }
            .contentShape(Rectangle())
            .gesture(
                DragGesture(minimumDistance: 0, coordinateSpace: .local)
                    .onChanged { value in
                        ink.touch(at: value.location, time: value.time, in: geometry.size)
                    }
                    .onEnded { _ in ink.lift() }
            )
        }
        .frame(height: 220)
        .background(Color(uiColor: .secondarySystemBackground))
        .clipShape(RoundedRectangle(cornerRadius: 12))
        .overlay(alignment: .bottomTrailing) {
            Button("pad.clear") { ink.clear() }
                .padding(8)
                .disabled(ink.isEmpty)
        }
        .accessibilityLabel(Text("pad.label"))
    }
}
