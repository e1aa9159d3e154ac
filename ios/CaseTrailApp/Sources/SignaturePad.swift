// The handwritten signature pad. The core keeps the strokes themselves as evidence (points
// with their times, not just a picture), renders the image, and checks them: at least one
// point, times not going backwards within a stroke, points on the pad. So the pad records
// every touch point with the milliseconds since the first touch, clamped to its own bounds,
// and hands the core the pad's size with them. A finger has no pressure; the core is told 1.
// How much the pad may hand over (canvas sides, strokes, points) is the core's (`padLimits()`):
// ink beyond the limits is not taken, and a canvas larger than the largest side is scaled down
// to it, so what is drawn is what the core accepts.

import CaseTrail
import SwiftUI
import UIKit

/// The strokes drawn so far on one pad.
@MainActor
final class PadInk: ObservableObject {
    @Published private(set) var strokes: [[PadPoint]] = []
    /// Whether the last touch was refused because the pad is full (the core's limits).
    @Published private(set) var full = false
    private(set) var size: CGSize = .zero
    private let limits: PadLimits
    private var points = 0
    private var drawing = false
    private var firstTouch: Date?

    init(limits: PadLimits) {
        self.limits = limits
    }

    var isEmpty: Bool { strokes.isEmpty }

    func touch(at location: CGPoint, time: Date, in size: CGSize) {
        self.size = size
        let start = firstTouch ?? time
        firstTouch = start
        var millis = UInt32(clamping: Int((max(0, time.timeIntervalSince(start)) * 1000).rounded()))
        if drawing, let last = strokes.last?.last {
            millis = max(millis, last.tMs)
        }
        let newStroke = !(drawing && !strokes.isEmpty)
        guard points < Int(limits.maxPoints),
              !newStroke || strokes.count < Int(limits.maxStrokes)
        else {
            full = true
            return
        }
        let point = PadPoint(
            x: Float(min(max(location.x, 0), size.width)),
            y: Float(min(max(location.y, 0), size.height)),
            tMs: millis,
            pressure: 1)
        points += 1
        if !newStroke {
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
        points = 0
        full = false
    }

    /// What was drawn, for the core; nil while nothing is. A canvas with a side beyond the
    /// core's largest is scaled down to it; one below the smallest is raised to it (the points
    /// stay where they are on it).
    var padStrokes: PadStrokes? {
        guard !strokes.isEmpty, size.width >= 1, size.height >= 1 else { return nil }
        let longest = max(size.width, size.height)
        let scale = min(1, CGFloat(limits.maxSide) / longest)
        let side = { (v: CGFloat) -> UInt32 in
            max(limits.minSide, min(limits.maxSide, UInt32((v * scale).rounded())))
        }
        let scaled = scale == 1 ? strokes : strokes.map { stroke in
            stroke.map { p in
                PadPoint(x: p.x * Float(scale), y: p.y * Float(scale), tMs: p.tMs, pressure: p.pressure)
            }
        }
        return PadStrokes(width: side(size.width), height: side(size.height), strokes: scaled)
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
        .overlay(alignment: .topLeading) {
            if ink.full {
                Text("pad.full").font(.caption).foregroundColor(.orange).padding(8)
            }
        }
        .accessibilityLabel(Text("pad.label"))
    }
}
