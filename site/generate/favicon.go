package generate

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
)

// favicon is /favicon.ico, which browsers ask for on every site: a 32×32
// icon, the site's accent blue with a white "F", drawn here rather than
// kept as a binary file. An ICO file may hold a PNG image, which every
// current browser reads.
func favicon() ([]byte, error) {
	const size = 32
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	accent := color.NRGBA{0x0b, 0x5c, 0xad, 0xff} // --accent in site.css
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	fill := func(x0, y0, x1, y1 int, c color.NRGBA) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	// A rounded square: the corners' pixels stay transparent.
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			dx, dy := corner(x, size), corner(y, size)
			if dx*dx+dy*dy <= 25 {
				img.SetNRGBA(x, y, accent)
			}
		}
	}
	fill(9, 6, 14, 26, white)  // the F's stem
	fill(9, 6, 24, 11, white)  // its top bar
	fill(9, 14, 21, 18, white) // its middle bar
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		return nil, err
	}
	var ico bytes.Buffer
	// ICONDIR: reserved, type 1 (icon), one image; then its ICONDIRENTRY:
	// width, height, no palette, reserved, 1 plane, 32 bits a pixel, the
	// image's size and where it starts (after these 6 + 16 bytes).
	for _, v := range []any{
		uint16(0), uint16(1), uint16(1),
		uint8(size), uint8(size), uint8(0), uint8(0), uint16(1), uint16(32),
		uint32(pngData.Len()), uint32(6 + 16),
	} {
		_ = binary.Write(&ico, binary.LittleEndian, v)
	}
	ico.Write(pngData.Bytes())
	return ico.Bytes(), nil
}

// corner is how far a coordinate lies inside the square's rounded corner
// of radius 5 along one axis: 0 away from the corners.
func corner(v, size int) int {
	switch {
	case v < 5:
		return 5 - v
	case v >= size-5:
		return v - (size - 6)
	}
	return 0
}
