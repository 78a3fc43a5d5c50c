#!/usr/bin/env escript
%%! +P 2000000
%% The benchmark workloads on Erlang/OTP, the same as benches/workloads/workloads.wat and
%% examples/guests/src/bin/bench.rs. Prints one "name<TAB>value<TAB>unit" line per workload,
%% each the best of three runs. "--quick" runs smaller sizes.
-mode(compile).

main(Args) ->
    Scale = case lists:member("--quick", Args) of true -> 10; false -> 1 end,
    N = 100000 div Scale,
    report("parked_memory", parked_memory(N), "B"),
    report("spawn", best(fun() -> spawn_bench(N) end) / N, "ns"),
    Hops = 1000000 div Scale,
    report("ring", best(fun() -> ring(1000, Hops) end) / Hops, "ns"),
    Rounds = 200000 div Scale,
    report("ping_pong", best(fun() -> ping_pong(Rounds) end) / Rounds, "ns"),
    Count = 1000000 div Scale,
    report("send_receive", best(fun() -> send_receive(Count) end) / Count, "ns"),
    SelRounds = 10000 div Scale,
    report("selective_receive", best(fun() -> selective(10000, SelRounds) end) / SelRounds, "ns").

report(Name, Value, Unit) ->
    io:format("~s\t~.1f\t~s~n", [Name, float(Value), Unit]).

now_ns() -> erlang:monotonic_time(nanosecond).

best(F) -> lists:min([F() || _ <- [1, 2, 3]]).

%% Host memory per parked process: the growth of the emulator's process memory.
parked_memory(N) ->
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, N)],
    wait_parked(lists:last(Pids)),
    After = erlang:memory(processes),
    [P ! stop || P <- Pids],
    (After - Before) / N.

wait_parked(Pid) ->
    case erlang:process_info(Pid, status) of
        {status, waiting} -> ok;
        _ -> erlang:yield(), wait_parked(Pid)
    end.

%% spawn: N children, each tells its parent it started and parks.
spawn_bench(N) ->
    Self = self(),
    T0 = now_ns(),
    Pids = [spawn(fun() -> Self ! started, receive stop -> ok end end) || _ <- lists:seq(1, N)],
    wait_started(N),
    T = now_ns() - T0,
    [P ! stop || P <- Pids],
    T.

wait_started(0) -> ok;
wait_started(N) -> receive started -> wait_started(N - 1) end.

%% ring: N processes pass a token Hops times.
ring(N, Hops) ->
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> ring_node(Next) end) end,
                        self(), lists:seq(1, N - 1)),
    T0 = now_ns(),
    ring_loop(First, Hops),
    T = now_ns() - T0,
    First ! -1,
    receive -1 -> ok end,
    T.

ring_node(Next) ->
    receive
        -1 -> Next ! -1;
        V -> Next ! V - 1, ring_node(Next)
    end.

ring_loop(First, V) ->
    First ! V - 1,
    receive
        0 -> ok;
        W -> ring_loop(First, W)
    end.

%% ping_pong: request/reply round trips with one partner.
ping_pong(Rounds) ->
    Pong = spawn_pong(),
    T0 = now_ns(),
    ping(Pong, 0, Rounds),
    T = now_ns() - T0,
    Pong ! -1,
    T.

spawn_pong() ->
    Self = self(),
    spawn(fun() -> pong(Self) end).

pong(Parent) ->
    receive
        -1 -> ok;
        V -> Parent ! {2, V}, pong(Parent)
    end.

ping(_, Rounds, Rounds) -> ok;
ping(Pong, I, Rounds) ->
    Pong ! I,
    receive {2, _} -> ok end,
    ping(Pong, I + 1, Rounds).

%% send_receive: one-way messages to a receiver, until it has them all.
send_receive(Count) ->
    Self = self(),
    Sink = spawn(fun() -> sink(Self, Count) end),
    T0 = now_ns(),
    [Sink ! I || I <- lists:seq(1, Count)],
    receive done -> ok end,
    now_ns() - T0.

sink(Parent, 0) -> Parent ! done;
sink(Parent, N) -> receive _ -> sink(Parent, N - 1) end.

%% selective_receive: Depth unrelated messages wait in the queue while replies, each picked
%% out by its shape, come in behind them.
selective(Depth, Rounds) ->
    [self() ! {1, I} || I <- lists:seq(1, Depth)],
    Pong = spawn_pong(),
    T0 = now_ns(),
    ping(Pong, 0, Rounds),
    T = now_ns() - T0,
    Pong ! -1,
    flush(),
    T.

flush() -> receive _ -> flush() after 0 -> ok end.
