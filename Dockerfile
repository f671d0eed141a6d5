# The image a sharded `formgen batch` runs in (docs/scaling.md): Debian 12, LibreOffice with
# python3-uno, the CJK fonts formgen's fontconfig maps the 公文 fonts to, and formgen itself.
#   docker build -t formgen .
#   docker run --rm -v "$PWD/work:/work" formgen batch sichuan-2023-110.enterprise /work/in --out /work/out
FROM debian:12-slim

ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      python3 python3-venv python3-uno \
      libreoffice-writer-nogui libreoffice-calc-nogui \
      fonts-noto-cjk fonts-arphic-ukai fonts-dejavu-core fontconfig ghostscript poppler-utils \
 && rm -rf /var/lib/apt/lists/* \
 && fc-cache -f >/dev/null

WORKDIR /opt/formgen
COPY pyproject.toml setup.py README.md ./
COPY formgen ./formgen
COPY data_models ./data_models
COPY form_templates ./form_templates
# The venv sees the system's packages: the LibreOffice bridge runs under /usr/bin/python3 with uno.
# gcc and the headers build formgen's C module (the Type 1 cipher), then leave the image.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev python3-dev \
 && python3 -m venv --system-site-packages /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --quiet . \
 && /opt/venv/bin/python -c "from formgen.pdf import type1; assert type1.FAST" \
 && apt-get purge -y -qq --auto-remove gcc libc6-dev python3-dev && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 formgen
ENV PATH=/opt/venv/bin:$PATH
USER formgen
WORKDIR /work
ENTRYPOINT ["formgen"]
CMD ["--help"]
