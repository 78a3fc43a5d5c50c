//! What the example guests share: [`code`], the guest's half of grain's upgrade in place.

pub mod code;
