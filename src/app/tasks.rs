//! The service's background tasks: following other processes' commits, sweeping calls,
//! purging old track points, the demo's patrols. Each lives as long as its handle.

use crate::linkage::Linkage;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A running background task; dropping it stops it.
pub(crate) struct BackgroundTask(JoinHandle<()>);

impl BackgroundTask {
    /// Runs `task` in the background until this is dropped.
    pub(crate) fn spawn(task: impl std::future::Future<Output = ()> + Send + 'static) -> Self {
        Self(tokio::spawn(task))
    }
}

impl Drop for BackgroundTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often calls are brought in step with what other replicas committed.
const CALL_SWEEP_PERIOD: Duration = Duration::from_secs(5);
/// How often old track points are purged.
const TRACK_PURGE_PERIOD: Duration = Duration::from_secs(3600);

/// Sweeps calls every few seconds (see `Linkage::sweep`) and purges old track points every
/// hour, the first time at start-up.
pub(crate) fn sweep_calls(linkage: Arc<Linkage>) -> BackgroundTask {
    BackgroundTask::spawn(async move {
        let mut ticks = tokio::time::interval(CALL_SWEEP_PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut purged: Option<tokio::time::Instant> = None;
        loop {
            ticks.tick().await;
            let now = chrono::Utc::now();
            if let Err(error) = linkage.sweep(now).await {
                tracing::warn!(%error, "sweeping calls failed; trying again at the next tick");
            }
            if purged.is_none_or(|at| at.elapsed() >= TRACK_PURGE_PERIOD) {
                purged = Some(tokio::time::Instant::now());
                if let Err(error) = linkage.purge_tracks(now).await {
                    tracing::warn!(%error, "purging old track points failed");
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mirrors::{Mirrors, follow};

    #[tokio::test]
    async fn dropping_the_task_stops_it_and_lets_go_of_the_index() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("refresh.db").display());
        let store = crate::store::connect(&url).await.expect("store");
        let (mirrors, versions) = Mirrors::load(store.as_ref(), 1 << 20).await.expect("index");
        let index = Arc::clone(&mirrors.index);
        let task =
            BackgroundTask::spawn(follow(store, mirrors, versions, Duration::from_millis(1)));
        tokio::task::yield_now().await;
        assert_eq!(Arc::strong_count(&index), 2, "the task holds the index");

        drop(task);
        // The abort takes effect the next time the runtime polls the task.
        for _ in 0..100 {
            if Arc::strong_count(&index) == 1 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(
            Arc::strong_count(&index),
            1,
            "the task still holds the index"
        );
    }
}
