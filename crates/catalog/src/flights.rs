//! Single flight: concurrent requests for the same missing answer wait while one computes it,
//! then find it in their cache. Used by the harvest response cache (api) and the data API's
//! page cache, where twenty clients asking the same new question at once would otherwise each
//! compute it (a data API total right after a restart is a scan of every row).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One gate per key being computed.
#[derive(Debug, Default)]
pub struct Flights {
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The right to compute one key; others asking for it wait until it is dropped.
#[derive(Debug)]
pub struct Flight<'a> {
    flights: &'a Flights,
    key: String,
    turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let Some(turn) = self.turn.take() else {
            return;
        };
        let gate = Arc::clone(tokio::sync::OwnedMutexGuard::mutex(&turn));
        drop(turn);
        if let Ok(mut gates) = self.flights.gates.lock() {
            // The map and this clone: nobody else is waiting.
            if Arc::strong_count(&gate) <= 2 {
                gates.remove(&self.key);
            }
        }
    }
}

impl Flights {
    /// Waits for the turn to compute `key` (immediately, unless another request is computing
    /// it; look in the cache again after the wait).
    pub async fn turn(&self, key: &str) -> Flight<'_> {
        let gate = self
            .gates
            .lock()
            .ok()
            .map(|mut gates| Arc::clone(gates.entry(key.to_owned()).or_default()));
        let turn = match gate {
            Some(gate) => Some(gate.lock_owned().await),
            None => None,
        };
        Flight {
            flights: self,
            key: key.to_owned(),
            turn,
        }
    }

    /// Keys being computed or waited for.
    pub fn in_flight(&self) -> usize {
        self.gates.lock().map_or(0, |gates| gates.len())
    }
}

#[cfg(test)]
mod tests {
    use super::Flights;

    #[tokio::test]
    async fn one_request_computes_while_the_others_wait() {
        let flights = Flights::default();
        let first = flights.turn("k").await;
        let waiting = flights.turn("k");
        tokio::pin!(waiting);
        // The second caller cannot get its turn while the first holds it; another key can.
        let blocked =
            tokio::time::timeout(std::time::Duration::from_millis(50), &mut waiting).await;
        assert!(blocked.is_err());
        drop(flights.turn("other").await);
        drop(first);
        let second = waiting.await;
        drop(second);
        assert_eq!(flights.in_flight(), 0);
    }
}
