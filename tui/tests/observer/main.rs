//! The observer without a terminal: `update` on keys and data, every view drawn at a fixed
//! moment and size (insta snapshots), and the book's screens.

mod book;
mod fixture;
mod update;
mod views;
mod web;
