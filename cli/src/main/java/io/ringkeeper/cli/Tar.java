package io.ringkeeper.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** A minimal ustar writer of regular files into a gzip stream: what {@code report} needs, no library. */
final class Tar implements AutoCloseable {
  private static final int BLOCK = 512;
  private final GZIPOutputStream out;
  private final long mtime;

  Tar(OutputStream target, long mtimeSeconds) throws IOException {
    this.out = new GZIPOutputStream(target);
    this.mtime = mtimeSeconds;
  }

  void add(String name, String text) throws IOException {
    add(name, text.getBytes(StandardCharsets.UTF_8));
  }

  void add(String name, byte[] content) throws IOException {
    byte[] path = name.getBytes(StandardCharsets.UTF_8);
    if (path.length > 100) {
      throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + name);
    }
    byte[] header = new byte[BLOCK];
    System.arraycopy(path, 0, header, 0, path.length);
    octal(header, 100, 8, 0644);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, content.length);
    octal(header, 136, 12, mtime);
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    header[156] = '0';
    byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(magic, 0, header, 257, magic.length);
    header[263] = '0';
    header[264] = '0';
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    String checksum = String.format("%06o", sum);
    System.arraycopy(checksum.getBytes(StandardCharsets.US_ASCII), 0, header, 148, 6);
    header[154] = 0;
    header[155] = ' ';
    out.write(header);
    out.write(content);
    int pad = (BLOCK - content.length % BLOCK) % BLOCK;
    out.write(new byte[pad]);
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    String text = String.format("%0" + (length - 1) + "o", value);
    System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[2 * BLOCK]);
    out.close();
  }
}
