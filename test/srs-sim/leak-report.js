// @ts-check
'use strict';
/**
 * The LeakSanitizer report an AddressSanitizer build of SRS prints on stderr when `objs/srs -t` exits (observed on
 * 6.0.157 built without `--sanitizer=off`: 4 allocations, 247 bytes, exit 1; none with ASAN_OPTIONS detect_leaks=0).
 */

/** Whether ASAN_OPTIONS turns leak detection off. @param {NodeJS.ProcessEnv} env */
function leaksDisabled(env) {
  return /(^|[:,\s])detect_leaks=(0|false|no)($|[:,\s])/.test(env.ASAN_OPTIONS || '');
}

/** @param {number} pid @param {string} binary */
function leakReport(pid, binary) {
  const newFrame = `    #0 0x5599827338a8 in operator new(unsigned long) (${binary}+0x2da8a8)`;
  const iface = [
    '    #1 0x5599828d6589 in discover_network_iface(ifaddrs*, std::vector<SrsIPAddress*, std::allocator<SrsIPAddress*> >&, std::__cxx11::basic_stringstream<char, std::char_traits<char>, std::allocator<char> >&, std::__cxx11::basic_stringstream<char, std::char_traits<char>, std::allocator<char> >&, bool, bool) src/protocol/srs_protocol_utility.cpp:703',
  ];
  const tail = (/** @type {number} */ line) => [
    `    #2 0x5599828d74bd in retrieve_local_ips() src/protocol/srs_protocol_utility.cpp:${line}`,
    '    #3 0x5599828d7c68 in srs_get_local_ips() src/protocol/srs_protocol_utility.cpp:817',
    '    #4 0x559982a479de in SrsConfig::check_normal_config() src/app/srs_app_config.cpp:2487',
    '    #5 0x559982a4477d in SrsConfig::check_config() src/app/srs_app_config.cpp:2304',
    '    #6 0x559982a3fc39 in SrsConfig::parse_options(int, char**) src/app/srs_app_config.cpp:1959',
    '    #7 0x559982c444da in do_main(int, char**, char**) src/main/srs_main_server.cpp:142',
    '    #8 0x559982c452a1 in main src/main/srs_main_server.cpp:256',
    '    #9 0x7f34a0245249 in __libc_start_call_main ../sysdeps/nptl/libc_start_call_main.h:58',
  ];
  return [
    '',
    '=================================================================',
    `==${pid}==ERROR: LeakSanitizer: detected memory leaks`,
    '',
    'Direct leak of 144 byte(s) in 2 object(s) allocated from:',
    newFrame,
    ...iface,
    ...tail(781),
    '',
    'Direct leak of 72 byte(s) in 1 object(s) allocated from:',
    newFrame,
    ...iface,
    ...tail(760),
    '',
    'Indirect leak of 31 byte(s) in 1 object(s) allocated from:',
    newFrame,
    '    #1 0x7f34a053fc29 in std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >::_M_assign(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&) (/lib/x86_64-linux-gnu/libstdc++.so.6+0x13fc29)',
    '',
    'SUMMARY: AddressSanitizer: 247 byte(s) leaked in 4 allocation(s).',
    '',
  ].join('\n');
}

module.exports = { leaksDisabled, leakReport };
