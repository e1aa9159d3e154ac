//! What the back office counts, for an operator's Prometheus: requests by route and status,
//! refusals by reason, request durations, bytes of files received and connections open. Served
//! in the Prometheus text format on the admin address only, never beside the devices' API.
//!
//! Labels are routes and stable codes, never ids, tokens or anything a person typed.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// A request's route (the matched pattern, not the path) and answer status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteStatus {
    /// The route pattern, e.g. `/v1/media/{sha256}`.
    pub route: String,
    /// The HTTP status.
    pub status: u16,
}

/// A route alone.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Route {
    /// The route pattern.
    pub route: String,
}

/// A refusal's stable code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct Reason {
    /// The code the refusal answered with.
    pub reason: String,
}

/// The back office's counters.
pub struct Metrics {
    registry: Registry,
    /// Requests answered.
    pub requests: Family<RouteStatus, Counter>,
    /// Requests refused, by code.
    pub refusals: Family<Reason, Counter>,
    /// Time to answer.
    pub durations: Family<Route, Histogram>,
    /// Bytes of file chunks received.
    pub media_bytes: Counter,
    /// Connections open now.
    pub connections: Gauge,
    /// Connections turned away at the cap.
    pub connections_refused: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RouteStatus, Counter>::default();
        let refusals = Family::<Reason, Counter>::default();
        let durations = Family::<Route, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 16))
        });
        let media_bytes = Counter::default();
        let connections = Gauge::default();
        let connections_refused = Counter::default();
        let mut registry = Registry::with_prefix("casetrail");
        registry.register("requests", "Requests answered", requests.clone());
        registry.register("refusals", "Requests refused, by code", refusals.clone());
        registry.register(
            "request_seconds",
            "Time to answer a request",
            durations.clone(),
        );
        registry.register(
            "media_bytes",
            "Bytes of file chunks received",
            media_bytes.clone(),
        );
        registry.register("connections", "Connections open", connections.clone());
        registry.register(
            "connections_refused",
            "Connections turned away at the cap",
            connections_refused.clone(),
        );
        Self {
            registry,
            requests,
            refusals,
            durations,
            media_bytes,
            connections,
            connections_refused,
        }
    }
}

impl Metrics {
    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
