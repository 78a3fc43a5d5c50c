//! Taking a command's arguments apart, with spanned errors for anything left over or wrong.

use grain_grammar::{Arg, Command, Span, Spanned, Value};

use crate::shell::ShellError;

/// The arguments of a command, consumed as the command asks for them.
pub struct Args<'a> {
    cmd: &'a Command,
    used: Vec<bool>,
}

impl<'a> Args<'a> {
    /// Wraps a parsed command.
    pub fn new(cmd: &'a Command) -> Self {
        Args {
            cmd,
            used: vec![false; cmd.args.len()],
        }
    }

    /// The span of the command's name (for errors about the whole command).
    pub fn name_span(&self) -> Span {
        self.cmd.name.span.clone()
    }

    /// Is `--name` given?
    pub fn flag(&mut self, name: &str) -> bool {
        self.find(|a| matches!(a, Arg::Flag { name: n, value: None } if n == name))
            .is_some()
    }

    /// The value of `--name=value` or `--name value`.
    pub fn flag_value(&mut self, name: &str) -> Option<&'a Spanned<Arg>> {
        let i = self.index(|a| matches!(a, Arg::Flag { name: n, .. } if n == name))?;
        self.used[i] = true;
        match &self.cmd.args[i].node {
            Arg::Flag { value: Some(v), .. } => Some(v),
            _ => {
                let next = self.cmd.args.get(i + 1)?;
                self.used[i + 1] = true;
                Some(next)
            }
        }
    }

    /// Is the bare word given (`link`, `monitor`)?
    pub fn keyword(&mut self, word: &str) -> bool {
        self.find(|a| matches!(a, Arg::Word(w) if w == word))
            .is_some()
    }

    /// The argument after the bare word (`as NAME`).
    pub fn keyword_value(&mut self, word: &str) -> Option<&'a Spanned<Arg>> {
        let i = self.index(|a| matches!(a, Arg::Word(w) if w == word))?;
        let next = self.cmd.args.get(i + 1)?;
        self.used[i] = true;
        self.used[i + 1] = true;
        Some(next)
    }

    /// The next unused positional argument.
    pub fn positional(&mut self) -> Option<&'a Spanned<Arg>> {
        let i = self.index(|a| !matches!(a, Arg::Flag { .. }))?;
        self.used[i] = true;
        Some(&self.cmd.args[i])
    }

    /// The next positional argument, or an error naming what is missing.
    pub fn required(&mut self, what: &str) -> Result<&'a Spanned<Arg>, ShellError> {
        let end = self.cmd.span.end;
        self.positional()
            .ok_or_else(|| ShellError::at(end..end, format!("missing {what}")))
    }

    /// Fails on the first argument nobody asked for.
    pub fn finish(self) -> Result<(), ShellError> {
        match self.used.iter().position(|u| !u) {
            Some(i) => {
                let arg = &self.cmd.args[i];
                Err(ShellError::at(
                    arg.span.clone(),
                    format!("unexpected argument to `{}`", self.cmd.name.node),
                ))
            }
            None => Ok(()),
        }
    }

    fn index(&self, pred: impl Fn(&Arg) -> bool) -> Option<usize> {
        (0..self.cmd.args.len()).find(|i| !self.used[*i] && pred(&self.cmd.args[*i].node))
    }

    fn find(&mut self, pred: impl Fn(&Arg) -> bool) -> Option<&'a Spanned<Arg>> {
        let i = self.index(pred)?;
        self.used[i] = true;
        Some(&self.cmd.args[i])
    }
}

/// An integer argument.
pub fn int(arg: &Spanned<Arg>, what: &str) -> Result<u64, ShellError> {
    match &arg.node {
        Arg::Value(Value::Int { value, .. }) if *value >= 0 => Ok(*value as u64),
        _ => Err(ShellError::at(
            arg.span.clone(),
            format!("expected {what} (a non-negative integer)"),
        )),
    }
}

/// An amount such as `10M` fuel or `64MiB` (a plain integer, or a word or string that
/// `parse` reads); a bad one is an error under the argument.
pub fn amount(
    arg: &Spanned<Arg>,
    parse: fn(&str) -> Result<u64, grain::quantity::QuantityError>,
    what: &str,
) -> Result<u64, ShellError> {
    match &arg.node {
        Arg::Value(Value::Int { value, .. }) if *value >= 0 => Ok(*value as u64),
        Arg::Word(text) | Arg::Value(Value::Str(text)) => {
            parse(text).map_err(|e| ShellError::at(arg.span.clone(), e.to_string()))
        }
        _ => Err(ShellError::at(arg.span.clone(), format!("expected {what}"))),
    }
}

/// A name given as a bare word or a string.
pub fn word(arg: &Spanned<Arg>, what: &str) -> Result<String, ShellError> {
    match &arg.node {
        Arg::Word(w) => Ok(w.clone()),
        Arg::Value(Value::Str(s)) => Ok(s.clone()),
        _ => Err(ShellError::at(arg.span.clone(), format!("expected {what}"))),
    }
}
