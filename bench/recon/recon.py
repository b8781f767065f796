"""The same reconstruction with ismrmrd-python + NumPy: read each acquisition, fill k-space per
repetition, remove readout oversampling, centred inverse FFT, root-sum-of-squares."""
import sys, time
import numpy as np
import ismrmrd, ismrmrd.xsd

t = time.perf_counter()
d = ismrmrd.Dataset(sys.argv[1], "dataset", False)
hdr = ismrmrd.xsd.CreateFromDocument(d.read_xml_header())
enc = hdr.encoding[0]
nx, ny = enc.encodedSpace.matrixSize.x, enc.encodedSpace.matrixSize.y
rx = enc.reconSpace.matrixSize.x
kspaces = {}
for i in range(d.number_of_acquisitions()):
    a = d.read_acquisition(i)
    if a.is_flag_set(ismrmrd.ACQ_IS_NOISE_MEASUREMENT):
        continue
    r = a.idx.repetition
    if r not in kspaces:
        kspaces[r] = np.zeros((a.active_channels, ny, nx), np.complex64)
    kspaces[r][:, a.idx.kspace_encode_step_1, :] = a.data
images = []
for r in sorted(kspaces):
    k = kspaces[r]
    img = np.fft.fftshift(np.fft.ifftn(np.fft.ifftshift(k, axes=(1, 2)), axes=(1, 2), norm="ortho"), axes=(1, 2))
    start = (nx - rx) // 2
    img = img[:, :, start:start + rx]
    images.append(np.sqrt((np.abs(img) ** 2).sum(axis=0)))
print(time.perf_counter() - t, len(images), images[0].sum())
