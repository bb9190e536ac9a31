//! etcd's leases as the API server uses them for Events: the events registry gives every
//! write a TTL (`kube-apiserver --event-ttl`, one hour by default), the API server's lease
//! manager attaches the key to a lease, and etcd deletes every key of a lease in one
//! revision when the lease expires. A watcher sees those deletions as DELETED events that
//! share one resourceVersion, in key order (checked against the oracle with
//! `--event-ttl=1m`).
//!
//! The lease manager (`storage/etcd3/lease_manager.go`) reuses one lease for the writes
//! of a short while: a lease is granted for the TTL plus a reuse window (5 % of the TTL,
//! at most 60 s) and serves every write that starts within that window, up to 1,000 keys.
//! So an Event written at `t` goes between `t + ttl` and `t + ttl + 60 s`.

use super::clock::Millis;
use std::collections::BTreeMap;

/// The lease manager's longest reuse window (`defaultLeaseReuseDurationSeconds`).
const MAX_REUSE_MS: Millis = 60_000;
/// The most keys one lease serves (`defaultLeaseMaxObjectCount`).
const MAX_KEYS_PER_LEASE: usize = 1_000;

/// A stored object's key: kind, namespace, name.
pub type Key = (&'static str, String, String);

/// The lease the manager hands out to writes now.
#[derive(Debug, Clone, Copy)]
struct Current {
    id: u64,
    granted_at: Millis,
    /// Writes it served, whether or not their keys stayed on it.
    writes: usize,
}

/// The unexpired leases and which lease each key is attached to.
#[derive(Debug, Clone, Default)]
pub struct Leases {
    /// The TTL of each write (0: keys never expire).
    ttl: Millis,
    current: Option<Current>,
    /// When each lease expires, by id; ids grow with grant time and every lease has the
    /// same length, so the first lease is the next to expire.
    granted: BTreeMap<u64, Millis>,
    /// Each key's lease. A key is held once (a revocation looks its keys up here): at
    /// 30,000 Events a second copy per lease cost 3.5 MB.
    attached: BTreeMap<Key, u64>,
    next_id: u64,
}

impl Leases {
    /// Leases for writes that live `ttl` milliseconds (0: forever).
    pub fn with_ttl(ttl: Millis) -> Leases {
        Leases {
            ttl,
            ..Leases::default()
        }
    }

    /// The reuse window for this TTL: 5 % of it, at most a minute.
    fn reuse(&self) -> Millis {
        (self.ttl / 20).min(MAX_REUSE_MS)
    }

    /// A write of `key` at `now` attaches it to the lease the manager hands out then (the
    /// key leaves the lease its previous write was on, as an etcd put with a lease does).
    pub fn attach(&mut self, key: Key, now: Millis) {
        if self.ttl <= 0 {
            return;
        }
        self.detach(&key);
        let reusable = self.current.filter(|c| {
            now < c.granted_at + self.reuse()
                && c.writes < MAX_KEYS_PER_LEASE
                && self.granted.contains_key(&c.id)
        });
        let id = match reusable {
            Some(c) => c.id,
            None => {
                self.next_id += 1;
                let id = self.next_id;
                self.granted.insert(id, now + self.ttl + self.reuse());
                self.current = Some(Current {
                    id,
                    granted_at: now,
                    writes: 0,
                });
                id
            }
        };
        if let Some(c) = &mut self.current {
            c.writes += 1;
        }
        self.attached.insert(key, id);
    }

    /// The key was deleted: it no longer expires.
    pub fn detach(&mut self, key: &Key) {
        self.attached.remove(key);
    }

    /// When the next lease expires.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.granted.values().next().copied()
    }

    /// Revokes the next lease if it has expired by `now`: its keys, in etcd's key order
    /// (`/registry/events/NAMESPACE/NAME`), for one deletion each in one revision.
    pub fn revoke_expired(&mut self, now: Millis) -> Option<Vec<Key>> {
        let (&id, &expires_at) = self.granted.iter().next()?;
        if expires_at > now {
            return None;
        }
        self.granted.remove(&id);
        let mut keys = Vec::new();
        self.attached.retain(|k, lease| {
            let on_it = *lease == id;
            if on_it {
                keys.push(k.clone());
            }
            !on_it
        });
        crate::sort::sort_by_cached_key(&mut keys, |(kind, ns, name)| {
            format!("{kind}/{ns}/{name}")
        });
        Some(keys)
    }

    /// How many keys will expire (for tests and the bench).
    pub fn attached(&self) -> usize {
        self.attached.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Millis = 3_600_000;

    fn event(name: &str) -> Key {
        ("Event", "default".into(), name.into())
    }

    #[test]
    fn an_event_expires_an_hour_and_the_reuse_window_after_the_lease_was_granted() {
        let mut l = Leases::with_ttl(HOUR);
        l.attach(event("a"), 0);
        l.attach(event("b"), 59_999);
        assert_eq!(l.next_expiry(), Some(HOUR + 60_000));
        assert_eq!(l.revoke_expired(HOUR + 59_999), None);
        assert_eq!(
            l.revoke_expired(HOUR + 60_000),
            Some(vec![event("a"), event("b")]),
            "both writes came within the reuse window: one lease, one revocation"
        );
        assert_eq!(l.attached(), 0);
        assert_eq!(l.next_expiry(), None);
    }

    #[test]
    fn a_write_after_the_reuse_window_gets_a_new_lease() {
        let mut l = Leases::with_ttl(HOUR);
        l.attach(event("a"), 0);
        l.attach(event("b"), 60_000);
        assert_eq!(l.revoke_expired(HOUR + 60_000), Some(vec![event("a")]));
        assert_eq!(l.next_expiry(), Some(HOUR + 120_000));
    }

    #[test]
    fn a_short_ttl_reuses_a_lease_for_five_percent_of_it() {
        let mut l = Leases::with_ttl(60_000);
        l.attach(event("a"), 0);
        l.attach(event("b"), 3_000);
        assert_eq!(l.next_expiry(), Some(63_000));
        assert_eq!(l.revoke_expired(63_000), Some(vec![event("a")]));
        assert_eq!(l.next_expiry(), Some(66_000));
    }

    #[test]
    fn a_lease_serves_at_most_a_thousand_writes() {
        let mut l = Leases::with_ttl(HOUR);
        for i in 0..1_001 {
            l.attach(event(&format!("e{i:04}")), 0);
        }
        let first = l.revoke_expired(HOUR + 60_000).unwrap_or_default();
        let second = l.revoke_expired(HOUR + 60_000).unwrap_or_default();
        assert_eq!((first.len(), second.len()), (1_000, 1));
    }

    #[test]
    fn an_updated_event_moves_to_the_newer_lease_and_a_deleted_one_never_expires() {
        let mut l = Leases::with_ttl(HOUR);
        l.attach(event("bumped"), 0);
        l.attach(event("deleted"), 0);
        l.detach(&event("deleted"));
        l.attach(event("bumped"), 120_000);
        assert_eq!(l.revoke_expired(HOUR + 60_000), Some(vec![]));
        assert_eq!(
            l.revoke_expired(HOUR + 180_000),
            Some(vec![event("bumped")])
        );
    }

    #[test]
    fn keys_go_in_etcd_key_order() {
        let mut l = Leases::with_ttl(HOUR);
        for (ns, name) in [("default", "b"), ("default-x", "a"), ("default", "a")] {
            l.attach(("Event", ns.into(), name.into()), 0);
        }
        let names: Vec<_> = l
            .revoke_expired(HOUR + 60_000)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, ns, name)| format!("{ns}/{name}"))
            .collect();
        assert_eq!(names, ["default-x/a", "default/a", "default/b"]);
    }

    #[test]
    fn without_a_ttl_nothing_expires() {
        let mut l = Leases::with_ttl(0);
        l.attach(event("a"), 0);
        assert_eq!(l.next_expiry(), None);
    }
}
