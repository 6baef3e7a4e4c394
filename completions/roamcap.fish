function __roamcap_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __roamcap_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __roamcap_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __roamcap_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __roamcap_parse_tokens -S
    set -l unparsed_tokens (__roamcap_tokens -pc)
    switch $unparsed_tokens[1]
    case 'roamcap'
        __roamcap_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'info'
            __roamcap_parse_subcommand -r 1 'format=' 'keep-going' 'version' 'h/help'
        case 'convert'
            __roamcap_parse_subcommand 1 'packets=' 'o/output=' 'output-format=' 'compress=' 'force' 'f/filter=' 'strict-vlan' 'from=' 'until=' 'c/count=' 'keep-going' 'version' 'h/help'
        case 'merge'
            __roamcap_parse_subcommand -r 1 'o/output=' 'output-format=' 'compress=' 'force' 'f/filter=' 'strict-vlan' 'from=' 'until=' 'c/count=' 'keep-going' 'offset=+' 'version' 'h/help'
        case 'rewrite'
            __roamcap_parse_subcommand -r 1 'o/output=' 'O/output-directory=' 'output-format=' 'compress=' 'force' 'notifications=+' 'table=+' 'learn' 'vm-side=+' 'topology=' 'annotate' 'dry-run' 'j=' 'f/filter=' 'strict-vlan' 'from=' 'until=' 'c/count=' 'keep-going' 'format=' 'version' 'h/help'
        case 'tables'
            __roamcap_parse_subcommand -r 1 'topology=' 'at=' 'mac=' 'ip=' 'vlan=' 'aging=' 'duplicate-moves=' 'duplicate-window=' 'duplicate-ip-window=' 'bgp-port=+' 'bmp-port=+' 'format=' 'wide' 'relative' 'f/filter=' 'strict-vlan' 'from=' 'until=' 'c/count=' 'keep-going' 'read-filter=' 'vxlan-port=+' 'timeline=' 'shard=' 'o/output=' 'force' 'version' 'h/help'
        case 'synth'
            __roamcap_parse_subcommand 1 'o/output=' 'topology-output=' 'compress=' 'force' 'format=' 'version' 'h/help'
        case 'topology'
            __roamcap_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'check'
                __roamcap_parse_subcommand -r 2 'bgp-port=+' 'bmp-port=+' 'format=' 'version' 'h/help'
            end
        case 'simulate'
            __roamcap_parse_subcommand -r 1 'topology=' 'policy=+' 'advertise-delay=+' 'aging=' 'unknown-unicast=' 'control-plane=' 'bgp-port=+' 'bmp-port=+' 'o/output=' 'trace-policy=' 'decisions=' 'output-format=' 'compress=' 'force' 'format=' 'wide' 'relative' 'f/filter=' 'strict-vlan' 'from=' 'until=' 'c/count=' 'keep-going' 'read-filter=' 'vxlan-port=+' 'timeline=' 'shard=' 'version' 'h/help'
        case 'flows'
            __roamcap_parse_subcommand -r 1 'topology=' 'top=' 'outages-only' 'silence=' 'silence-runs' 'no-silence-runs' 'migration-window=' 'idle-timeout=' 'uid=' 'o/output=' 'force' 'notifications=+' 'table=+' 'learn' 'policy=+' 'advertise-delay=+' 'aging=' 'unknown-unicast=' 'format=' 'wide' 'relative' 'f/filter=' 'strict-vlan' 'from=' 'until=' 'c/count=' 'keep-going' 'read-filter=' 'vxlan-port=+' 'timeline=' 'shard=' 'version' 'h/help'
        case 'timeline'
            __roamcap_parse_subcommand -r 1 'topology=' 'shards=' 'policy=+' 'advertise-delay=+' 'aging=' 'unknown-unicast=' 'read-filter=' 'control-plane=' 'bgp-port=+' 'bmp-port=+' 'duplicate-moves=' 'duplicate-window=' 'duplicate-ip-window=' 'vxlan-port=+' 'keep-going' 'o/output=' 'force' 'format=' 'version' 'h/help'
        case 'combine'
            __roamcap_parse_subcommand -r 1 'o/output=' 'force' 'format=' 'wide' 'relative' 'version' 'h/help'
        case 'bgp'
            __roamcap_parse_subcommand -r 1 'bgp-port=+' 'bmp-port=+' 'topology=' 'keep-going' 'format=' 'version' 'h/help'
        case 'verify'
            __roamcap_parse_subcommand -r 2 'format=' 'junit=' 'tap' 'j=' 'wide' 'verbose' 'version' 'h/help'
        case 'report'
            __roamcap_parse_subcommand -r 1 'o/output=' 'topology=' 'top-flows=' 'max-events=' 'force' 'keep-going' 'notifications=+' 'table=+' 'learn' 'policy=+' 'advertise-delay=+' 'aging=' 'unknown-unicast=' 'version' 'h/help'
        case 'help'
            __roamcap_parse_subcommand -r 1 'version'
        end
    end
end

function __roamcap_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __roamcap_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __roamcap_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __roamcap_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__roamcap_tokens -p)
    if test -z "$(__roamcap_tokens -t)"
        set -l index (count (__roamcap_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'roamcap' -f
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'info' -d 'Summarize capture files (capinfos\' job).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'convert' -d 'Convert a capture\'s format or compression, with filters and time windows (editcap\'s job).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'merge' -d 'Merge captures by timestamp (mergecap\'s job), with per-input clock offsets.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'rewrite' -d 'Replay a VM migration table over traces: the migration NAT (tcprewrite\'s job, time-aware).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'tables' -d 'Rebuild MAC tables and ARP/ND bindings from the packets and report every move (arpwatch\'s job, across sites).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'synth' -d 'Generate a deterministic multi-site trace from a scenario, with its topology and ground truth.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'topology' -d 'Check a topology file (sites, ports, control plane) against captures.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'simulate' -d 'Replay the cross-site fabric over the packets under several policies and report what each lost.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'flows' -d 'Bidirectional flow records (Zeek\'s conn.log) with the outages the trace itself shows, tied to migrations.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'timeline' -d 'Pass 1 of a sharded run: the control-plane timeline of the inputs and the plan of their shards.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'combine' -d 'Combine the parts of a sharded run into exactly what a single run reports.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'bgp' -d 'List every route of every BGP UPDATE in the captures, one route per row (BGP EVPN and BMP).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'verify' -d 'Check captures against an expectations file, for CI: exit 0 when every check holds, 1 when one fails.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'report' -d 'The postmortem in one self-contained HTML page: captures, a timeline of moves and outages, policies, tables.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap info" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap info" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap info" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap info" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap convert" -eq 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" packets' -l 'packets' -d 'Keep only these packets: 1-based numbers in file order, ranges as editcap -r (120-480,900; 1000- to the end).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" o output' -s 'o' -l 'output' -d 'Output file (\'-\' for standard output).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" output-format' -l 'output-format' -d 'Output format: pcap or pcapng (default: from the output name, else the input\'s).' -rfka 'pcap pcapng'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" compress' -l 'compress' -d 'Compress the output: zstd or none (default: zstd when the name ends in .zst).' -rfka 'zstd none'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" force' -l 'force' -d 'Replace an existing output file (an input is never replaced).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" f filter' -s 'f' -l 'filter' -d 'Select packets matching a tcpdump/BPF expression.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" strict-vlan' -l 'strict-vlan' -d 'Match the filter against frames as captured only, as tcpdump does.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" from' -l 'from' -d 'Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" until' -l 'until' -d 'Keep packets before this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap convert" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap merge" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" o output' -s 'o' -l 'output' -d 'Output file (\'-\' for standard output).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" output-format' -l 'output-format' -d 'Output format: pcap or pcapng (default: from the output name, else the input\'s).' -rfka 'pcap pcapng'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" compress' -l 'compress' -d 'Compress the output: zstd or none (default: zstd when the name ends in .zst).' -rfka 'zstd none'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" force' -l 'force' -d 'Replace an existing output file (an input is never replaced).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" f filter' -s 'f' -l 'filter' -d 'Select packets matching a tcpdump/BPF expression.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" strict-vlan' -l 'strict-vlan' -d 'Match the filter against frames as captured only, as tcpdump does.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" from' -l 'from' -d 'Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" until' -l 'until' -d 'Keep packets before this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge"' -l 'offset' -d 'Clock correction for one input: FILE=[+|-]SECONDS.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap merge" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap rewrite" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" o output' -s 'o' -l 'output' -d 'Output file, for one input (\'-\' for standard output).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" O output-directory' -s 'O' -l 'output-directory' -d 'Output directory for several inputs (each output named after its input).' -rfa '(__roamcap_complete_directories)'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" output-format' -l 'output-format' -d 'Output format: pcap or pcapng (default: from the output name, else the input\'s).' -rfka 'pcap pcapng'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" compress' -l 'compress' -d 'Compress the output: zstd or none (default: zstd when the name ends in .zst).' -rfka 'zstd none'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" force' -l 'force' -d 'Replace an existing output file (an input is never replaced).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite"' -l 'notifications' -d 'NCS notification log (NDJSON).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite"' -l 'table' -d 'Static migration table: YAML (.yaml/.yml) or CSV.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" learn' -l 'learn' -d 'Learn entries from the trace (gratuitous ARP, unsolicited NA, DHCP ACK).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite"' -l 'vm-side' -d 'A capture interface (if_name or input file name) that faces the VMs; repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" topology' -l 'topology' -d 'Topology file (YAML, SPEC §3): its nat.vm-side interfaces give the direction.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" annotate' -l 'annotate' -d 'Add a pcapng comment to each rewritten packet naming the entry and the change.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" dry-run' -l 'dry-run' -d 'Print what would change, per entry and per flow, without writing.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" j' -s 'j' -d 'Inputs processed in parallel (with -O).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" f filter' -s 'f' -l 'filter' -d 'Select packets matching a tcpdump/BPF expression.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" strict-vlan' -l 'strict-vlan' -d 'Match the filter against frames as captured only, as tcpdump does.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" from' -l 'from' -d 'Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" until' -l 'until' -d 'Keep packets before this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap rewrite" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap tables" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" topology' -l 'topology' -d 'Topology file (YAML): sites, ports, control plane.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" at' -l 'at' -d 'Print the tables as they stood at this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" mac' -l 'mac' -d 'Follow one MAC address.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" ip' -l 'ip' -d 'Follow one IP address (and the MACs bound to it).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" vlan' -l 'vlan' -d 'Keep one VLAN (or VNI).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" aging' -l 'aging' -d 'MAC aging time at every site (default: the topology\'s, else 300s).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" duplicate-moves' -l 'duplicate-moves' -d 'duplicate-mac after this many moves (RFC 7432\'s N).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" duplicate-window' -l 'duplicate-window' -d '…within this window (RFC 7432\'s M).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" duplicate-ip-window' -l 'duplicate-ip-window' -d 'duplicate-ip when an IP flips back to its previous MAC within this window.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables"' -l 'bgp-port' -d 'A TCP port carrying BGP (repeatable; default 179).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables"' -l 'bmp-port' -d 'A TCP port carrying BMP (repeatable; default 11019).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" wide' -l 'wide' -d 'Human table: every column, however wide (default: fit the terminal, 80 columns if none).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" relative' -l 'relative' -d 'Human table: times in seconds after the first packet (JSON and CSV keep absolute times).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" f filter' -s 'f' -l 'filter' -d 'Select packets matching a tcpdump/BPF expression.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" strict-vlan' -l 'strict-vlan' -d 'Match the filter against frames as captured only, as tcpdump does.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" from' -l 'from' -d 'Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" until' -l 'until' -d 'Keep packets before this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" read-filter' -l 'read-filter' -d 'Drop frames not matching this tcpdump/BPF expression before anything sees them.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables"' -l 'vxlan-port' -d 'A UDP destination port that carries VXLAN (default: 4789); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" timeline' -l 'timeline' -d 'Run one shard of a sharded run with this timeline (roamcap timeline); needs --shard and -o.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" shard' -l 'shard' -d 'The shard to run, K of N (1-based; N must be the timeline\'s); -o then writes its part for roamcap combine.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" o output' -s 'o' -l 'output' -d 'With --shard: write the shard\'s part here.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" force' -l 'force' -d 'Replace an existing output file (an input is never replaced).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap tables" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap synth" -eq 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" o output' -s 'o' -l 'output' -d 'Output trace (pcapng; \'-\' for standard output).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" topology-output' -l 'topology-output' -d 'Where to write the topology (default: the output\'s name with .topology.yaml).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" compress' -l 'compress' -d 'Compress the output: zstd or none (default: zstd when the name ends in .zst).' -rfka 'zstd none'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" force' -l 'force' -d 'Replace existing output files.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap synth" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap topology" -eq 1' -fa 'check' -d 'Validate a topology file; with traces, map their interfaces to ports.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap topology check" -eq 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap topology check" -ge 2' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology check"' -l 'bgp-port' -d 'A TCP port carrying BGP (repeatable; default 179).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology check"' -l 'bmp-port' -d 'A TCP port carrying BMP (repeatable; default 11019).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology check" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology check" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap topology check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap simulate" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" topology' -l 'topology' -d 'Topology file (YAML): sites, ports, control plane.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate"' -l 'policy' -d 'Policies: igp-only, flood, flood-confirmed, ideal (comma-separated; simulate\'s default: all).' -rfka 'igp-only flood flood-confirmed ideal'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate"' -l 'advertise-delay' -d 'Advertisement delay of every site (2s), or of one site (C=3.5s); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" aging' -l 'aging' -d 'Aging of local and ARP snooping entries at every site.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" unknown-unicast' -l 'unknown-unicast' -d 'What edge devices do with unknown unicast: flood or drop.' -rfka 'flood drop'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" control-plane' -l 'control-plane' -d 'assumed (advertisements after --advertise-delay) or captured (also replay the BGP EVPN of the capture).' -rfka 'assumed captured'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate"' -l 'bgp-port' -d 'A TCP port carrying BGP (repeatable; default 179).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate"' -l 'bmp-port' -d 'A TCP port carrying BMP (repeatable; default 11019).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" o output' -s 'o' -l 'output' -d 'Write the forwarded trace (pcapng) here.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" trace-policy' -l 'trace-policy' -d 'The policy whose forwarded trace -o writes (default: the first).' -rfka 'igp-only flood flood-confirmed ideal'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" decisions' -l 'decisions' -d 'Log every decision here (NDJSON).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" output-format' -l 'output-format' -d 'Output format: pcap or pcapng (default: from the output name, else the input\'s).' -rfka 'pcap pcapng'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" compress' -l 'compress' -d 'Compress the output: zstd or none (default: zstd when the name ends in .zst).' -rfka 'zstd none'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" force' -l 'force' -d 'Replace an existing output file (an input is never replaced).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" wide' -l 'wide' -d 'Human table: every column, however wide (default: fit the terminal, 80 columns if none).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" relative' -l 'relative' -d 'Human table: times in seconds after the first packet (JSON and CSV keep absolute times).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" f filter' -s 'f' -l 'filter' -d 'Select packets matching a tcpdump/BPF expression.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" strict-vlan' -l 'strict-vlan' -d 'Match the filter against frames as captured only, as tcpdump does.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" from' -l 'from' -d 'Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" until' -l 'until' -d 'Keep packets before this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" read-filter' -l 'read-filter' -d 'Drop frames not matching this tcpdump/BPF expression before anything sees them.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate"' -l 'vxlan-port' -d 'A UDP destination port that carries VXLAN (default: 4789); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" timeline' -l 'timeline' -d 'Run one shard of a sharded run with this timeline (roamcap timeline); needs --shard and -o.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" shard' -l 'shard' -d 'The shard to run, K of N (1-based; N must be the timeline\'s); -o then writes its part for roamcap combine.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap simulate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap flows" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" topology' -l 'topology' -d 'Topology file (YAML): maps capture interfaces to sites and ports for the migrations.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" top' -l 'top' -d 'Print only the N worst flows.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" outages-only' -l 'outages-only' -d 'Print only flows with at least one outage.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" silence' -l 'silence' -d 'A side silent for longer than this while the other keeps sending is an outage.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" silence-runs' -l 'silence-runs' -d 'Also find shorter silences in flows whose sides take turns (see the description).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" no-silence-runs' -l 'no-silence-runs' -d 'Also find shorter silences in flows whose sides take turns (see the description).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" migration-window' -l 'migration-window' -d 'Tie an outage to a migration of an endpoint at most this far from it.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" idle-timeout' -l 'idle-timeout' -d 'End a flow idle for longer than this (default: 5m for TCP, 1m for the others, as Zeek; 0: never).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" uid' -l 'uid' -d 'Report only the flow with this uid (see the uid field).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" o output' -s 'o' -l 'output' -d 'With --uid: write that flow\'s packets here (pcapng; \'-\' for standard output); with --shard: the shard\'s part.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" force' -l 'force' -d 'Overwrite the output file if it exists.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows"' -l 'notifications' -d 'NCS notification log (NDJSON).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows"' -l 'table' -d 'Static migration table: YAML (.yaml/.yml) or CSV.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" learn' -l 'learn' -d 'Learn entries from the trace (gratuitous ARP, unsolicited NA, DHCP ACK).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows"' -l 'policy' -d 'Policies: igp-only, flood, flood-confirmed, ideal (comma-separated; simulate\'s default: all).' -rfka 'igp-only flood flood-confirmed ideal'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows"' -l 'advertise-delay' -d 'Advertisement delay of every site (2s), or of one site (C=3.5s); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" aging' -l 'aging' -d 'Aging of local and ARP snooping entries at every site.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" unknown-unicast' -l 'unknown-unicast' -d 'What edge devices do with unknown unicast: flood or drop.' -rfka 'flood drop'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" wide' -l 'wide' -d 'Human table: every column, however wide (default: fit the terminal, 80 columns if none).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" relative' -l 'relative' -d 'Human table: times in seconds after the first packet (JSON and CSV keep absolute times).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" f filter' -s 'f' -l 'filter' -d 'Select packets matching a tcpdump/BPF expression.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" strict-vlan' -l 'strict-vlan' -d 'Match the filter against frames as captured only, as tcpdump does.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" from' -l 'from' -d 'Keep packets at or after this time: RFC 3339 (2026-11-20T10:00:00Z) or seconds after the first packet (12.5).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" until' -l 'until' -d 'Keep packets before this time: RFC 3339 or seconds after the first packet.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" c count' -s 'c' -l 'count' -d 'Stop after this many packets.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" read-filter' -l 'read-filter' -d 'Drop frames not matching this tcpdump/BPF expression before anything sees them.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows"' -l 'vxlan-port' -d 'A UDP destination port that carries VXLAN (default: 4789); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" timeline' -l 'timeline' -d 'Run one shard of a sharded run with this timeline (roamcap timeline); needs --shard and -o.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" shard' -l 'shard' -d 'The shard to run, K of N (1-based; N must be the timeline\'s); -o then writes its part for roamcap combine.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap flows" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap timeline" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" topology' -l 'topology' -d 'Topology file (YAML): sites, ports, control plane.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" shards' -l 'shards' -d 'How many shards (default: one per 256 MiB of input).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline"' -l 'policy' -d 'Policies: igp-only, flood, flood-confirmed, ideal (comma-separated; simulate\'s default: all).' -rfka 'igp-only flood flood-confirmed ideal'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline"' -l 'advertise-delay' -d 'Advertisement delay of every site (2s), or of one site (C=3.5s); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" aging' -l 'aging' -d 'Aging of local and ARP snooping entries at every site.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" unknown-unicast' -l 'unknown-unicast' -d 'What edge devices do with unknown unicast: flood or drop.' -rfka 'flood drop'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" read-filter' -l 'read-filter' -d 'Drop frames not matching this tcpdump/BPF expression before anything sees them.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" control-plane' -l 'control-plane' -d 'assumed, or captured: keep the BGP EVPN advertisements of the capture for \'simulate --control-plane captured\'.' -rfka 'assumed captured'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline"' -l 'bgp-port' -d 'A TCP port carrying BGP (repeatable; default 179).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline"' -l 'bmp-port' -d 'A TCP port carrying BMP (repeatable; default 11019).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" duplicate-moves' -l 'duplicate-moves' -d 'duplicate-mac after this many moves (RFC 7432\'s N).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" duplicate-window' -l 'duplicate-window' -d '…within this window (RFC 7432\'s M).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" duplicate-ip-window' -l 'duplicate-ip-window' -d 'duplicate-ip when an IP flips back to its previous MAC within this window.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline"' -l 'vxlan-port' -d 'A UDP destination port that carries VXLAN (default: 4789); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" keep-going' -l 'keep-going' -d 'Skip unreadable records instead of stopping (the shards must be run with it too).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" o output' -s 'o' -l 'output' -d 'Write the timeline here (JSON).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" force' -l 'force' -d 'Replace an existing output file (an input is never replaced).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap timeline" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_positional "roamcap combine" -ge 1' -F
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" o output' -s 'o' -l 'output' -d 'Write the report here (default: standard output).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" force' -l 'force' -d 'Replace an existing output file.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" wide' -l 'wide' -d 'Human table: every column, however wide (default: fit the terminal, 80 columns if none).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" relative' -l 'relative' -d 'Human table: times in seconds after the first packet (JSON and CSV keep absolute times).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap combine" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp"' -l 'bgp-port' -d 'A TCP port carrying BGP (repeatable; default 179).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp"' -l 'bmp-port' -d 'A TCP port carrying BMP (repeatable; default 11019).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp" topology' -l 'topology' -d 'Topology file (YAML) whose \'evpn\' entries (per site) and \'evpn-vnis\' attribute routes to sites.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp" keep-going' -l 'keep-going' -d 'Skip unreadable records (counted and reported) instead of stopping with an error.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap bgp" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" format' -l 'format' -d 'Output format: table, json, ndjson or csv.' -rfka 'table json ndjson csv'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" junit' -l 'junit' -d 'Also write the results as JUnit XML here (\'-\' for standard output).' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" tap' -l 'tap' -d 'Print the results as TAP (version 14) instead of a table.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" j' -s 'j' -d 'Runs (or groups of runs sharing passes) at a time.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" wide' -l 'wide' -d 'Show every table cell in full (by default the table fits the terminal, or 80 columns).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" verbose' -l 'verbose' -d 'Say which runs were made, how long each took and how many passes over the traces each made.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" o output' -s 'o' -l 'output' -d 'The HTML file to write.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" topology' -l 'topology' -d 'Topology file (YAML): sites and ports; without it there is no simulation.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" top-flows' -l 'top-flows' -d 'Flows embedded and listed, worst first.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" max-events' -l 'max-events' -d 'Table events embedded, in time order.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" force' -l 'force' -d 'Overwrite the output file if it exists.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" keep-going' -l 'keep-going' -d 'Skip unreadable records instead of failing.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report"' -l 'notifications' -d 'NCS notification log (NDJSON).' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report"' -l 'table' -d 'Static migration table: YAML (.yaml/.yml) or CSV.' -rF
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" learn' -l 'learn' -d 'Learn entries from the trace (gratuitous ARP, unsolicited NA, DHCP ACK).'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report"' -l 'policy' -d 'Policies: igp-only, flood, flood-confirmed, ideal (comma-separated; simulate\'s default: all).' -rfka 'igp-only flood flood-confirmed ideal'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report"' -l 'advertise-delay' -d 'Advertisement delay of every site (2s), or of one site (C=3.5s); repeatable.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" aging' -l 'aging' -d 'Aging of local and ARP snooping entries at every site.' -rfka ''
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" unknown-unicast' -l 'unknown-unicast' -d 'What edge devices do with unknown unicast: flood or drop.' -rfka 'flood drop'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" version' -l 'version' -d 'Show the version.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'roamcap' -n '__roamcap_should_offer_completions_for_flags_or_options "roamcap help" version' -l 'version' -d 'Show the version.'
