//! The ratchet tree of RFC 9420 §4 and §7. For now: the array-based tree
//! math of §4 and Appendix C.

pub mod math;
