//! A search (`/`) or filter (`\`) being typed at the bottom, of the process table or of
//! the event log.

use crossterm::event::KeyCode;

use crate::model::{Input, Model, Tab};
use crate::update::Action;

/// A key while a search or filter is typed at the bottom.
pub(crate) fn typing(m: &mut Model, input: Input, code: KeyCode) -> Option<Action> {
    let (mut text, filter) = match input {
        Input::Search(t) => (t, false),
        Input::Filter(t) => (t, true),
    };
    if m.tab == Tab::Events && m.detail.is_none() {
        return typing_events(m, text, filter, code);
    }
    match code {
        KeyCode::Esc => {
            if filter {
                m.filter.clear();
                m.reorder();
            }
            return None;
        }
        KeyCode::Enter => {
            if filter {
                m.filter = text;
                m.reorder();
            } else {
                m.search = text;
                crate::update::search_next(m);
            }
            return None;
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) => text.push(c),
        _ => {}
    }
    if filter {
        // The filter applies as it is typed.
        m.filter = text.clone();
        m.reorder();
        m.input = Some(Input::Filter(text));
    } else {
        m.input = Some(Input::Search(text));
    }
    None
}

/// A search or filter of the event log being typed: the filter applies as it is typed.
fn typing_events(m: &mut Model, mut text: String, filter: bool, code: KeyCode) -> Option<Action> {
    match code {
        KeyCode::Esc if filter => m.events.filter.clear(),
        KeyCode::Esc => {}
        KeyCode::Enter if filter => m.events.filter = text,
        KeyCode::Enter => {
            m.events.search = text;
            m.events.mark = None;
            crate::events::search_next(m);
        }
        code => {
            match code {
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) => text.push(c),
                _ => {}
            }
            if filter {
                m.events.filter = text.clone();
                m.input = Some(Input::Filter(text));
            } else {
                m.input = Some(Input::Search(text));
            }
        }
    }
    None
}
