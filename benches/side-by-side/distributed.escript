#!/usr/bin/env escript
%% The distribution benchmarks on Erlang/OTP, the same as
%% examples/guests/src/bin/dist_bench.rs on grain: this node and a second one started with
%% `peer` (`erl -sname`, epmd and distribution on loopback). Prints one
%% "name<TAB>value<TAB>unit" line per figure:
%%
%%   spawn_cold          a module new to the other node: its beam travels in the spawn,
%%                       is loaded there, and the new process's first message comes back
%%   spawn_warm_p50/p99  spawn/4 on the other node until the new process's first message
%%   ping_pong_p50/p99   a message to a process on the other node and its answer
%%   one_way             messages/s from one process to one on the other node, which says
%%                       how many it got once it has them all (best of three)
%%
%% "--quick" runs a tenth of the sizes.
-mode(compile).

main(Args) ->
    Scale = case lists:member("--quick", Args) of true -> 10; false -> 1 end,
    os:cmd("epmd -daemon"),
    Suffix = os:getpid(),
    {ok, _} = net_kernel:start([list_to_atom("grain_bench_a" ++ Suffix), shortnames]),
    {ok, Peer, B} = peer:start(#{name => list_to_atom("grain_bench_b" ++ Suffix)}),
    {Remote, Bin} = compile_remote("grain_dist_remote"),
    {module, Remote} = code:load_binary(Remote, "remote.erl", Bin),
    {module, Remote} = rpc:call(B, code, load_binary, [Remote, "remote.erl", Bin]),
    Colds = [cold_spawn(B, Remote, I) || I <- lists:seq(1, max(1, 5 div Scale))],
    report("spawn_cold", percentile(Colds, 50), "us"),
    Spawns = [warm_spawn(B, Remote) || _ <- lists:seq(1, 2000 div Scale)],
    report("spawn_warm_p50", percentile(Spawns, 50), "us"),
    report("spawn_warm_p99", percentile(Spawns, 99), "us"),
    Trips = ping_pong(B, Remote, 20000 div Scale),
    report("ping_pong_p50", percentile(Trips, 50), "us"),
    report("ping_pong_p99", percentile(Trips, 99), "us"),
    Count = 500000 div Scale,
    Best = lists:min([one_way(B, Remote, Count) || _ <- [1, 2, 3]]),
    report("one_way", Count / Best, "msg/s"),
    peer:stop(Peer).

report(Name, Value, Unit) ->
    io:format("~s\t~.1f\t~s~n", [Name, float(Value), Unit]).

now_us() -> erlang:monotonic_time(nanosecond) / 1000.

%% The Pth percentile (nearest rank).
percentile(Samples, P) ->
    Sorted = lists:sort(Samples),
    Rank = max(1, ceil(P / 100 * length(Sorted))),
    lists:nth(min(Rank, length(Sorted)), Sorted).

%% The processes of the other node, as a module compiled here (and loaded there).
remote_source(Name) ->
    "-module(" ++ Name ++ ").\n"
    "-export([reply/1, pong/1, sink/2, cold/3]).\n"
    "reply(Parent) -> Parent ! {self(), 1}.\n"
    "pong(Parent) -> receive stop -> ok; V -> Parent ! V, pong(Parent) end.\n"
    "sink(Parent, Count) -> Parent ! {self(), ready}, sink(Parent, Count, 0).\n"
    "sink(Parent, Count, Count) -> Parent ! {self(), Count};\n"
    "sink(Parent, Count, Got) -> receive _ -> sink(Parent, Count, Got + 1) end.\n"
    "cold(Parent, Mod, Bin) ->\n"
    "    {module, Mod} = code:load_binary(Mod, \"cold.erl\", Bin),\n"
    "    Mod:reply(Parent).\n".

compile_remote(Name) ->
    {ok, Tokens, _} = erl_scan:string(remote_source(Name)),
    Forms = [begin {ok, F} = erl_parse:parse_form(T), F end || T <- split_forms(Tokens, [])],
    {ok, Mod, Bin} = compile:forms(Forms, [binary]),
    {Mod, Bin}.

split_forms([], []) -> [];
split_forms([{dot, _} = Dot | Rest], Acc) -> [lists:reverse([Dot | Acc]) | split_forms(Rest, [])];
split_forms([T | Rest], Acc) -> split_forms(Rest, [T | Acc]).

%% A module the other node has never seen (compiled before the clock starts).
cold_spawn(B, Remote, I) ->
    {Mod, Bin} = compile_remote("grain_dist_cold" ++ integer_to_list(I)),
    T0 = now_us(),
    Pid = spawn(B, Remote, cold, [self(), Mod, Bin]),
    receive {Pid, 1} -> now_us() - T0 end.

warm_spawn(B, Remote) ->
    T0 = now_us(),
    Pid = spawn(B, Remote, reply, [self()]),
    receive {Pid, 1} -> now_us() - T0 end.

ping_pong(B, Remote, Trips) ->
    Echo = spawn(B, Remote, pong, [self()]),
    [begin Echo ! I, receive I -> ok end end || I <- lists:seq(1, Trips div 10)],
    Times = [trip(Echo, I) || I <- lists:seq(1, Trips)],
    Echo ! stop,
    Times.

trip(Echo, I) ->
    T0 = now_us(),
    Echo ! I,
    receive I -> now_us() - T0 end.

%% Seconds until a process on the other node has `Count` messages.
one_way(B, Remote, Count) ->
    Sink = spawn(B, Remote, sink, [self(), Count]),
    receive {Sink, ready} -> ok end,
    T0 = now_us(),
    send_all(Sink, Count),
    receive {Sink, Count} -> (now_us() - T0) / 1.0e6 end.

send_all(_, 0) -> ok;
send_all(Sink, N) -> Sink ! N, send_all(Sink, N - 1).
