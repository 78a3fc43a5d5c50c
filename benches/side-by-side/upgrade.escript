#!/usr/bin/env escript
%% Erlang's side of the upgrade row of benches/side-by-side.sh: a gen_server's state moved
%% onto new code as the release handler does it (sys:suspend, sys:change_code, sys:resume),
%% the state a tuple of two integers (grain's tally hands over 16 bytes). Prints the median
%% of N as "upgrade<TAB>µs<TAB>µs". "--quick" runs fewer.
-mode(compile).

main(Args) ->
    io:setopts([{encoding, unicode}]),
    N = case lists:member("--quick", Args) of true -> 200; false -> 2000 end,
    load(tally_gs, source(1)),
    {ok, P} = gen_server:start(tally_gs, [], []),
    gen_server:cast(P, add),
    load(tally_gs, source(2)),
    Times = lists:sort([upgrade(P) || _ <- lists:seq(1, N + 1)]),
    Upgrades = N + 1,
    {1, Upgrades} = gen_server:call(P, get),
    io:format("upgrade\t~.1f\t~ts~n", [lists:nth((N + 1) div 2, Times), <<"µs"/utf8>>]).

upgrade(P) ->
    T0 = erlang:monotonic_time(nanosecond),
    ok = sys:suspend(P),
    ok = sys:change_code(P, tally_gs, 1, extra),
    ok = sys:resume(P),
    (erlang:monotonic_time(nanosecond) - T0) / 1000.

%% Version V of the server: its code_change counts upgrades in the state's second field.
source(V) ->
    "-module(tally_gs).\n"
    "-behaviour(gen_server).\n"
    "-vsn(" ++ integer_to_list(V) ++ ").\n"
    "-export([init/1, handle_call/3, handle_cast/2, code_change/3]).\n"
    "init(_) -> {ok, {0, 0}}.\n"
    "handle_call(get, _, {C, U}) -> {reply, {C, U}, {C, U}}.\n"
    "handle_cast(add, {C, U}) -> {noreply, {C + 1, U}}.\n"
    "code_change(_, {C, U}, _) -> {ok, {C, U + 1}}.\n".

load(Module, Source) ->
    {ok, Tokens, _} = erl_scan:string(Source),
    Forms = split(Tokens, [], []),
    {ok, Module, Binary} = compile:forms(Forms, [binary]),
    code:purge(Module),
    {module, Module} = code:load_binary(Module, atom_to_list(Module) ++ ".erl", Binary).

%% Tokens to forms, one per dot.
split([], [], Forms) -> lists:reverse(Forms);
split([{dot, _} = Dot | Rest], Acc, Forms) ->
    {ok, Form} = erl_parse:parse_form(lists:reverse([Dot | Acc])),
    split(Rest, [], [Form | Forms]);
split([T | Rest], Acc, Forms) -> split(Rest, [T | Acc], Forms).
