// A tar member whose header claims more bytes than any dataset file has is named, before the
// reader tries to allocate it (which would fail with a bare RangeError).
import { describe, expect, it } from 'vitest';
import { MAX_MEMBER_BYTES, untar } from './tar';
import { tarHeader } from './test-fixtures';

describe('tar member sizes', () => {
  it('names a kept member that claims 8 GiB', () => {
    const header = tarHeader({ name: 'cifar-10-batches-bin/data_batch_1.bin' }, 8 ** 11 - 1);
    expect(() => untar(header, 'c.tar', (n) => n.endsWith('.bin'))).toThrow(
      expect.objectContaining({
        code: 'TAR_CORRUPT',
        message: expect.stringMatching(
          /c\.tar: member 'cifar-10-batches-bin\/data_batch_1\.bin' \(tar header at byte 0\) claims 8589934591 bytes, more than the 512 MiB/,
        ),
      }),
    );
  });

  it('skips a huge member it does not keep without allocating it', () => {
    const header = tarHeader({ name: 'readme.txt' }, MAX_MEMBER_BYTES + 1);
    // Skipped members are never buffered; the archive then ends inside that member.
    expect(() => untar(header, 'c.tar', (n) => n.endsWith('.bin'))).toThrow(/readme\.txt/);
  });
});
