//! The live feed of linkage changes: this process's own, and, where the store carries
//! signals between processes (PostgreSQL `NOTIFY`), every other replica's, so that a
//! page or a phone may be connected to any replica.

use super::{Linkage, LinkageChange};
use crate::domain::GridScope;
use crate::store::LinkageSignal;
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// How long to wait before listening again to other replicas after the listener failed.
const RELISTEN_AFTER: Duration = Duration::from_secs(5);

impl Linkage {
    /// Listens to every change committed from now on.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<LinkageChange> {
        self.live.subscribe()
    }

    /// Shows a committed change on this process's live feed and tells the other
    /// processes on the database, which show it on theirs (see [`Linkage::follow_others`]).
    pub(super) fn announce(&self, change: LinkageChange) {
        let signal = match &change {
            LinkageChange::Alert(alert) => (alert.id, None),
            LinkageChange::Call(call) => (call.alert_id, Some(call.id)),
        };
        let signal = LinkageSignal {
            origin: self.origin,
            alert: signal.0,
            call: signal.1,
        };
        // No listener is not an error: nobody has the page open.
        let _ = self.live.send(change);
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            if let Err(error) = store.signal_linkage(&signal).await {
                tracing::warn!(%error, "telling other replicas of a linkage change failed");
            }
        });
    }

    /// Shows on this process's live feed what other processes change, as their signals
    /// arrive, and keeps the workers on their way in step; runs until dropped, or returns
    /// at once where the store carries no signals (one process, nobody else to hear).
    pub async fn follow_others(self: Arc<Self>) {
        loop {
            match self.store.linkage_signals().await {
                Ok(None) => return,
                Ok(Some(mut signals)) => {
                    while let Some(signal) = signals.next().await {
                        match signal {
                            Ok(signal) if signal.origin != self.origin => self.show(signal).await,
                            Ok(_) => {}
                            Err(error) => {
                                tracing::warn!(%error, "a linkage signal was lost");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "listening to other replicas failed"),
            }
            tokio::time::sleep(RELISTEN_AFTER).await;
        }
    }

    /// Shows another process's change here, as now stored.
    async fn show(&self, signal: LinkageSignal) {
        let change = match signal.call {
            Some(id) => match self.store.call(&GridScope::All, id).await {
                Ok(call) => self
                    .follow_route(&call)
                    .await
                    .map(|()| LinkageChange::Call(Arc::new(call))),
                Err(error) => Err(error),
            },
            None => self
                .store
                .alert(&GridScope::All, signal.alert)
                .await
                .map(|alert| LinkageChange::Alert(Arc::new(alert))),
        };
        match change {
            Ok(change) => {
                let _ = self.live.send(change);
            }
            Err(error) => tracing::warn!(%error, "reading another replica's change failed"),
        }
    }
}
