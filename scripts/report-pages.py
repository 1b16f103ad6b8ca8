#!/usr/bin/python3
"""Lays PDF page images (pdftoppm PNGs) side by side, five to a row, into one JPEG for the README.

usage: report-pages.py OUT.jpg PAGE.png...
"""
import sys

import cv2
import numpy as np

out, pages = sys.argv[1], [cv2.imread(p) for p in sys.argv[2:]]
height = max(p.shape[0] for p in pages)
width = max(p.shape[1] for p in pages)
tiles = [cv2.copyMakeBorder(p, 4, 4 + height - p.shape[0], 4, 4 + width - p.shape[1], cv2.BORDER_CONSTANT, value=(90, 90, 90))
         for p in pages]
blank = np.full_like(tiles[0], 255)
rows = [np.hstack((tiles[i:i + 5] + [blank] * 5)[:5]) for i in range(0, len(tiles), 5)]
cv2.imwrite(out, np.vstack(rows), [cv2.IMWRITE_JPEG_QUALITY, 80])
