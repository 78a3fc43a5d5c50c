//! Backtraces people can read: a run of repeated frames (a recursion, or a cycle of a few
//! functions calling each other) is one line and a count, and a trace that stopped short
//! of the stack's bottom says so.

use std::fmt;

use crate::exit::Frame;

/// The most frames a trap keeps; wasmtime is asked for one more, so a deeper stack is
/// known to be cut.
pub(crate) const MAX_FRAMES: usize = 64;

/// The longest cycle of frames that folds (`a → b → a → b...` is a cycle of 2).
const MAX_CYCLE: usize = 4;

/// One line of a folded backtrace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    /// Frame number `index` of the trace.
    Frame {
        /// Its place in the trace (0 innermost).
        index: usize,
        /// The frame.
        frame: &'a Frame,
    },
    /// The `len` frames just above come `times` more times.
    Repeat {
        /// How many frames repeat (1: the same frame).
        len: usize,
        /// How many more times than shown.
        times: usize,
    },
}

/// The frames, with every run of a repeated frame or a repeated cycle of up to
/// [`MAX_CYCLE`] frames shown once and counted.
pub fn fold(frames: &[Frame]) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < frames.len() {
        let best = (1..=MAX_CYCLE)
            .filter(|&len| i + len <= frames.len())
            .map(|len| (len, repeats(&frames[i..], len)))
            // A single frame folds from its second time; a longer cycle from its third.
            .find(|&(len, times)| times >= if len == 1 { 1 } else { 2 });
        let len = best.map_or(1, |(len, _)| len);
        for (k, frame) in frames[i..i + len].iter().enumerate() {
            lines.push(Line::Frame {
                index: i + k,
                frame,
            });
        }
        match best {
            Some((len, times)) => {
                lines.push(Line::Repeat { len, times });
                i += len * (times + 1);
            }
            None => i += 1,
        }
    }
    lines
}

/// How many times the first `len` frames come again right after themselves.
fn repeats(frames: &[Frame], len: usize) -> usize {
    let block = &frames[..len];
    frames[len..]
        .chunks_exact(len)
        .take_while(|chunk| *chunk == block)
        .count()
}

/// The lines of a folded backtrace: `  0: recurse @ 0xcb`, `     … the frame above 62 more
/// times`, and, when the stack was deeper than the trace, a line that says so.
pub fn lines(frames: &[Frame], cut: bool) -> Vec<String> {
    let times = |n: usize| format!("{n} more {}", if n == 1 { "time" } else { "times" });
    let mut out: Vec<String> = fold(frames)
        .into_iter()
        .map(|line| match line {
            Line::Frame { index, frame } => format!("{index:>3}: {frame}"),
            Line::Repeat { len: 1, times: n } => format!("     … the frame above {}", times(n)),
            Line::Repeat { len, times: n } => {
                format!("     … the {len} frames above {}", times(n))
            }
        })
        .collect();
    if cut {
        out.push(format!(
            "     … deeper frames not shown (a trace keeps the innermost {MAX_FRAMES})"
        ));
    }
    out
}

/// Writes a trap's backtrace, folded, under a `wasm backtrace:` line.
pub(crate) fn write(f: &mut fmt::Formatter<'_>, frames: &[Frame], cut: bool) -> fmt::Result {
    if frames.is_empty() {
        return Ok(());
    }
    writeln!(f, "wasm backtrace:")?;
    for line in lines(frames, cut) {
        writeln!(f, "  {line}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(name: &str) -> Frame {
        Frame {
            function: Some(name.into()),
            index: 0,
            offset: Some(0xcb),
        }
    }

    fn shape(frames: &[Frame]) -> Vec<String> {
        fold(frames)
            .iter()
            .map(|l| match l {
                Line::Frame { index, frame } => format!("{index} {frame}"),
                Line::Repeat { len, times } => format!("{len}x{times}"),
            })
            .collect()
    }

    #[test]
    fn a_recursion_is_one_frame_and_a_count() {
        let mut frames = vec![frame("recurse"); 63];
        frames.push(frame("main"));
        assert_eq!(
            shape(&frames),
            ["0 recurse @ 0xcb", "1x62", "63 main @ 0xcb"]
        );
    }

    #[test]
    fn lines_count_in_words_and_say_when_the_trace_was_cut() {
        let mut frames = vec![frame("recurse"); 3];
        frames.push(frame("main"));
        assert_eq!(
            lines(&frames, true),
            [
                "  0: recurse @ 0xcb",
                "     … the frame above 2 more times",
                "  3: main @ 0xcb",
                "     … deeper frames not shown (a trace keeps the innermost 64)",
            ]
        );
    }

    #[test]
    fn a_cycle_of_two_folds_and_distinct_frames_stay() {
        let (a, b, c) = (frame("a"), frame("b"), frame("c"));
        let frames = [&a, &b, &a, &b, &a, &b, &c, &a, &c].map(Clone::clone);
        assert_eq!(
            shape(&frames),
            [
                "0 a @ 0xcb",
                "1 b @ 0xcb",
                "2x2",
                "6 c @ 0xcb",
                "7 a @ 0xcb",
                "8 c @ 0xcb"
            ]
        );
        // Two frames once each, twice in a row, are no cycle worth folding.
        let frames = [&a, &b, &a, &b, &c].map(Clone::clone);
        assert_eq!(shape(&frames).len(), 5);
    }
}
