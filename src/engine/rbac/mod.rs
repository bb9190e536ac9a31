//! Role-based access control: the policy a fresh cluster holds (the API server's
//! bootstrap roles and bindings, and what kubeadm and kind's add-ons add) and the
//! clusterrole-aggregation-controller's pure rule gathering.

pub mod aggregation;
pub mod authorizer;
pub mod policy;
