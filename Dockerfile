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
COPY pyproject.toml README.md ./
COPY formgen ./formgen
COPY data_models ./data_models
COPY form_templates ./form_templates
# The venv sees the system's packages: the LibreOffice bridge runs under /usr/bin/python3 with uno.
RUN python3 -m venv --system-site-packages /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --quiet . \
 && useradd --create-home --uid 1000 formgen
ENV PATH=/opt/venv/bin:$PATH
USER formgen
WORKDIR /work
ENTRYPOINT ["formgen"]
CMD ["--help"]
