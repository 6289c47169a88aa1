// A rolldown plugin that makes write-file-atomic ask for its thread id when it first names a temp file,
// not when it loads: the main chunk loads it (the config store writes through it), and its
// require('worker_threads') at load cost every command ~0.5 ms of start-up for a number that only
// seeds temp file names. The three edits keep every line where it was; the build fails if
// write-file-atomic's code no longer has them (look again after an upgrade).
const FILE = /\/node_modules\/write-file-atomic\/lib\/index\.js$/;
const EDITS = [
  ['const threadId = (function getId () {', 'let threadIdOnce; const threadId = () => (threadIdOnce ??= (function getId () {'],
  ['})()\n\nlet invocations = 0', '})())\n\nlet invocations = 0'],
  ['.hash(String(threadId))', '.hash(String(threadId()))'],
];

export function lazyThreadId() {
  return {
    name: 'propitbox-lazy-thread-id',
    transform(code, id) {
      if (!FILE.test(id)) return null;
      let out = code;
      for (const [from, to] of EDITS) {
        if (out.split(from).length !== 2) throw new Error(`lazy-thread-id: write-file-atomic changed, '${from}' is not there once`);
        out = out.replace(from, to);
      }
      return { code: out, map: null };
    },
  };
}
