//! Logs to the host (Logcat, os_log): the core's `tracing` events, forwarded to a sink the host
//! implements. Log lines carry ids and codes, never user content or key material.

use std::sync::Arc;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Something failed.
    Error,
    /// Something is off.
    Warn,
    /// Milestones.
    Info,
    /// Detail.
    Debug,
}

/// The host's log sink.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// One log line.
    fn log(&self, level: LogLevel, target: String, message: String);
}

struct SinkLayer {
    sink: Arc<dyn LogSink>,
    max: Level,
}

#[derive(Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            self.0.push_str(&format!("{value:?}"));
        } else {
            self.0.push_str(&format!("{}={value:?}", field.name()));
        }
    }
}

impl<S: Subscriber> Layer<S> for SinkLayer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let level = *event.metadata().level();
        if level > self.max {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = match level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            _ => LogLevel::Debug,
        };
        self.sink
            .log(level, event.metadata().target().to_owned(), fields.0);
    }
}

/// Sends the core's logs at `max` and above to `sink`. The first call wins; later calls return
/// false and change nothing.
#[uniffi::export]
pub fn set_log_sink(sink: Arc<dyn LogSink>, max: LogLevel) -> bool {
    let max = match max {
        LogLevel::Error => Level::ERROR,
        LogLevel::Warn => Level::WARN,
        LogLevel::Info => Level::INFO,
        LogLevel::Debug => Level::DEBUG,
    };
    let subscriber = tracing_subscriber::registry().with(SinkLayer { sink, max });
    tracing::subscriber::set_global_default(subscriber).is_ok()
}
