#!/usr/bin/env python3
"""A folder for `compare` with one good image and two bad ones: a JPEG cut in half (OpenCV still
decodes it, partly grey, with only a warning) and a .png that holds no image.

Usage: make_bad_images.py GOOD_IMAGE OUT_DIR
"""
import os
import shutil
import sys

import cv2
import numpy as np


def main():
    good, out = sys.argv[1], sys.argv[2]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    shutil.copy(good, os.path.join(out, "b_good" + os.path.splitext(good)[1]))
    photo = np.random.default_rng(3).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    ok, jpeg = cv2.imencode(".jpg", photo)
    assert ok and jpeg.tobytes()[-2:] == b"\xff\xd9"
    with open(os.path.join(out, "a_cut.jpg"), "wb") as f:
        f.write(jpeg.tobytes()[: len(jpeg) // 2])
    with open(os.path.join(out, "c_garbage.png"), "wb") as f:
        f.write(b"not an image at all")


if __name__ == "__main__":
    main()
